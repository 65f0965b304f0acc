import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import tls from "node:tls";
import { expect } from "chai";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import type { RunningServer } from "../src/app/server";
import { topics } from "../src/infra/pubsub";
import { startTestServer, subscribe, tempDir } from "./helpers";

/** A self-signed certificate for 127.0.0.1, made with openssl for this run only. */
function selfSigned(): { certFile: string; keyFile: string; cert: Buffer } {
  const dir = tempDir("bg-tls-");
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile], { stdio: "ignore" });
  return { certFile, keyFile, cert: fs.readFileSync(certFile) };
}

function post(url: string, body: unknown, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: any; protocol: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${url}/graphql`, { method: "POST", ca, headers: { "content-type": "application/json", ...headers } }, (response) => {
      const protocol = (response.socket as tls.TLSSocket).getProtocol() ?? "";
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")), protocol }),
      );
    });
    request.on("error", reject);
    request.end(JSON.stringify(body));
  });
}

describe("TLS", () => {
  let server: RunningServer;
  let ca: Buffer;

  before(async () => {
    const certificate = selfSigned();
    ca = certificate.cert;
    server = await startTestServer({ TLS_CERT_FILE: certificate.certFile, TLS_KEY_FILE: certificate.keyFile });
  });

  after(async () => {
    await server?.stop();
  });

  it("when TLS_CERT_FILE and TLS_KEY_FILE are set, then queries are served over TLS 1.3 with HSTS", async () => {
    expect(server.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const response = await post(server.url, { query: "{ instruments { symbol } }" }, ca);
    expect(response.status).to.equal(200);
    expect(response.protocol).to.equal("TLSv1.3");
    expect(response.body.data.instruments.length).to.be.greaterThan(0);
    expect(response.headers["strict-transport-security"]).to.match(/max-age=\d+/);
  });

  it("when the web app signs in over TLS, then its session cookie is Secure", async () => {
    const email = `tls-${Date.now()}@example.com`;
    const registered = await post(
      server.url,
      { query: `mutation ($i: RegisterInput!) { register(input: $i) { refreshToken } }`, variables: { i: { email, password: "Correct-Horse-Battery-Tls-1", firstName: "T", lastName: "L" } } },
      ca,
      { "x-session-cookie": "1" },
    );
    expect(registered.body.data.register.refreshToken).to.equal("");
    const cookie = (registered.headers["set-cookie"] as string[]).find((line) => line.startsWith("bg_refresh="))!;
    expect(cookie).to.match(/; Secure(;|$)/).and.include("HttpOnly").and.include("SameSite=Strict");
  });

  it("when a subscription runs over wss on the same port, then events arrive", async () => {
    class TrustingWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { ca });
      }
    }
    const url = `${server.url.replace(/^https:/, "wss:")}/graphql`;
    expect(url).to.match(/^wss:/);
    const client = createClient({ url, webSocketImpl: TrustingWebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {} });
    try {
      const quotes = subscribe(client, `subscription { quotes(symbols: ["AAPL"]) { symbol last } }`);
      // Published until the subscription is in place: the first event proves the path end to end.
      while (quotes.events.length === 0 && !(await Promise.race([quotes.failed(50), Promise.resolve(undefined)]))) {
        await server.pubsub.publish(topics.quotes("AAPL"), { symbol: "AAPL", bid: null, ask: null, last: "231.5", timestamp: new Date().toISOString() });
      }
      expect((await quotes.nth(1)).quotes).to.deep.include({ symbol: "AAPL" });
    } finally {
      await client.dispose();
    }
  });

  it("when a client offers at most TLS 1.2, then the handshake is refused", async () => {
    const { port } = new URL(server.url);
    const handshake = (maxVersion: tls.SecureVersion) => new Promise<string>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port: Number(port), ca, maxVersion });
      socket.once("secureConnect", () => {
        resolve(`connected with ${socket.getProtocol()}`);
        socket.destroy();
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(`refused: ${error.code ?? error.message}`));
    });
    expect(await handshake("TLSv1.3")).to.equal("connected with TLSv1.3");
    expect(await handshake("TLSv1.2")).to.equal("refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
  });
});
