import fs from "node:fs";
import path from "node:path";
import http from "node:http";
import zlib from "node:zlib";
import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { bearer, codeOf, gql, registerUser, startTestServer, subscribe, tempDir, wsClient } from "./helpers";

/** A stand-in for web/dist: an index, a hashed script and its source map. */
function fakeDist(): { dir: string; script: string } {
  const dir = tempDir("bg-dist-");
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "index.html"), `<!doctype html><title>BlockGuardian</title><script type="module" src="/assets/index-abc123.js"></script>`);
  const script = `export const rows = [${Array.from({ length: 2000 }, (_, i) => `{ symbol: "SYM${i % 17}", price: "${i}.25" }`).join(",")}];\n`;
  fs.writeFileSync(path.join(dir, "assets", "index-abc123.js"), script);
  fs.writeFileSync(path.join(dir, "assets", "index-abc123.js.map"), `{"version":3,"sources":["../src/secret-business-logic.ts"]}`);
  return { dir, script };
}

/** Node's fetch decompresses silently; http.get shows what went over the wire. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

describe("HTTP headers, compression and source maps", () => {
  let server: RunningServer;
  let production: RunningServer;
  let dist: { dir: string; script: string };

  before(async () => {
    dist = fakeDist();
    server = await startTestServer({ WEB_DIST_DIR: dist.dir, CHAIN_RPC_URL: undefined });
    production = await startTestServer({ WEB_DIST_DIR: dist.dir, NODE_ENV: "production", BCRYPT_COST: "10", SANCTIONS_DEMO_LIST: "true" });
  });

  after(async () => {
    await server?.stop();
    await production?.stop();
  });

  it("when any page or API answer leaves, then it carries a CSP whose scripts are ours only, nosniff, a referrer policy and no framing", async () => {
    for (const url of [`${server.url}/`, `${server.url}/trade/AAPL`, `${server.url}/healthz`]) {
      const { headers } = await get(url, { accept: "text/html" });
      const csp = String(headers["content-security-policy"]);
      const scriptSrc = csp.split(";").map((part) => part.trim()).find((part) => part.startsWith("script-src"));
      expect(scriptSrc, url).to.equal("script-src 'self'");
      expect(csp).to.include("frame-ancestors 'none'").and.include("object-src 'none'").and.not.include("unsafe-eval");
      expect(headers["x-content-type-options"]).to.equal("nosniff");
      expect(headers["referrer-policy"]).to.equal("no-referrer");
      expect(headers["strict-transport-security"], "no HSTS on plain HTTP").to.equal(undefined);
    }
  });

  it("when a browser accepts brotli or gzip, then hashed assets come compressed, exact, and cached for a year", async () => {
    const url = `${server.url}/assets/index-abc123.js`;
    const br = await get(url, { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).to.equal("br");
    expect(br.headers.vary).to.match(/Accept-Encoding/i);
    expect(br.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
    expect(br.headers["content-type"]).to.match(/javascript/);
    expect(br.body.length).to.be.lessThan(dist.script.length / 4);
    expect(zlib.brotliDecompressSync(br.body).toString("utf8")).to.equal(dist.script);
    const gz = await get(url, { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).to.equal("gzip");
    expect(zlib.gunzipSync(gz.body).toString("utf8")).to.equal(dist.script);
    const plain = await get(url, { "accept-encoding": "identity" });
    expect(plain.headers["content-encoding"]).to.equal(undefined);
    expect(plain.body.toString("utf8")).to.equal(dist.script);
  });

  it("when a source map is asked for, then development serves it and production does not", async () => {
    expect((await get(`${server.url}/assets/index-abc123.js.map`)).status).to.equal(200);
    const refused = await get(`${production.url}/assets/index-abc123.js.map`);
    expect(refused.status).to.equal(404);
    expect(refused.body.toString("utf8")).not.to.include("secret-business-logic");
  });

  describe("introspection", () => {
    const SCHEMA = `{ __schema { queryType { name } } }`;
    const FRAGMENTED = `query { ...Peek } fragment Peek on Query { __type(name: "User") { name } }`;

    it("when an anonymous caller introspects a production server, then it is FORBIDDEN over HTTP and graphql-ws; __typename still answers", async () => {
      for (const query of [SCHEMA, FRAGMENTED]) {
        const response = await gql(production, query);
        expect(response.status, query).to.equal(403);
        expect(codeOf(response), query).to.equal("FORBIDDEN");
      }
      expect((await gql(production, `{ __typename }`)).data!.__typename).to.equal("Query");
      const client = wsClient(production);
      try {
        const failure = (await subscribe(client, SCHEMA).failed()) as Array<{ extensions?: Record<string, unknown> }>;
        expect(failure[0].extensions?.code).to.equal("FORBIDDEN");
      } finally {
        await client.dispose();
      }
    });

    it("when a signed-in caller introspects production, or anyone introspects development, then the schema is read", async () => {
      const user = await registerUser(production);
      expect((await gql(production, SCHEMA, {}, bearer(user.accessToken))).data!.__schema.queryType.name).to.equal("Query");
      expect((await gql(server, SCHEMA)).data!.__schema.queryType.name).to.equal("Query");
    });
  });
});
