import fs from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { expect } from "chai";
import { parse } from "yaml";
import { CONFIG_VARIABLES, REPO_ROOT } from "../src/config";

/** The processes that run the server image, and the role each takes. */
const SERVER_ROLES: Record<string, string> = { api: "api", "sequencer-a": "sequencer", "sequencer-b": "sequencer" };

/** docker-compose.yml cannot run here (no Docker engine); these checks keep it honest by reading it. */
describe("docker-compose.yml", () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, "docker-compose.yml"), "utf8");
  const compose = parse(text);
  const dockerfile = fs.readFileSync(path.join(REPO_ROOT, "Dockerfile"), "utf8");
  const services = compose.services as Record<string, any>;

  it("when validated against the Compose Specification's JSON schema, then it is a valid compose file", () => {
    // The schema as dclint ships it (schemas/compose.schema.json, from github.com/compose-spec/compose-spec).
    const schema = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve("dclint/package.json")), "schemas", "compose.schema.json"), "utf8"));
    // It names draft-07 by an https URL ajv does not know; draft-07 is ajv's own default.
    delete schema.$schema;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(compose);
    expect(valid, JSON.stringify(validate.errors, null, 2)).to.equal(true);
    // The validator is live: a stray key is refused.
    expect(validate({ ...compose, services: { ...services, api: { ...services.api, replicas: 2 } } })).to.equal(false);
  });

  it("when the stack is read, then two api replicas sit behind the balancer and two sequencers share PostgreSQL and Redis with a chain", () => {
    expect(services).to.include.keys("postgres", "redis", "chain", "api", "sequencer-a", "sequencer-b", "balancer");
    expect(services.api.deploy.replicas).to.equal(2);
    for (const [name, role] of Object.entries(SERVER_ROLES)) expect(services[name].environment.ROLE, name).to.equal(role);
    expect(services.api.ports ?? []).to.deep.equal([]);
    expect(services.balancer.ports).to.deep.equal(["4000:80"]);
    expect(services.balancer.volumes).to.include("./deploy/nginx.conf:/etc/nginx/nginx.conf:ro");
  });

  it("when nginx's configuration is read, then it balances over the api service and passes WebSocket upgrades", () => {
    const conf = fs.readFileSync(path.join(REPO_ROOT, "deploy", "nginx.conf"), "utf8").replace(/#.*$/gm, "");
    let depth = 0;
    for (const char of conf) {
      depth += char === "{" ? 1 : char === "}" ? -1 : 0;
      expect(depth).to.be.at.least(0);
    }
    expect(depth, "balanced braces").to.equal(0);
    expect(conf).to.match(/map \$http_upgrade \$connection_upgrade \{[^}]*default upgrade;/);
    expect(conf).to.match(/upstream api \{[^}]*server api:4000\b/);
    const location = /location \/ \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    expect(location).to.match(/proxy_pass http:\/\/api;/);
    expect(location).to.match(/proxy_http_version 1\.1;/);
    expect(location).to.match(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(location).to.match(/proxy_set_header Connection \$connection_upgrade;/);
    expect(location).to.match(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
  });

  it("when a service waits for another to be healthy, then that one has a health check", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries<any>(service.depends_on ?? {})) {
        expect(services, `${name} depends on ${dependency}`).to.have.property(dependency);
        if (condition.condition === "service_healthy") expect(services[dependency].healthcheck, dependency).to.be.an("object");
      }
    }
    for (const name of Object.keys(SERVER_ROLES)) expect(services[name].healthcheck.test.join(" "), name).to.contain("/readyz");
  });

  for (const name of Object.keys(SERVER_ROLES))
  it(`when ${name} is configured, then every variable is one config.ts reads and the URLs name compose services`, () => {
    const env = services[name].environment as Record<string, string>;
    expect(Object.keys(env).filter((name) => !CONFIG_VARIABLES.includes(name))).to.deep.equal([]);
    // Production refuses to start without its keys.
    if (env.NODE_ENV === "production") expect(env).to.include.keys("JWT_SECRET", "ENCRYPTION_KEYS");
    expect(new URL(env.DATABASE_URL).hostname).to.equal("postgres");
    expect(new URL(env.REDIS_URL).hostname).to.equal("redis");
    const postgresEnv = services.postgres.environment;
    expect(env.DATABASE_URL).to.equal(
      `postgres://${postgresEnv.POSTGRES_USER}:${postgresEnv.POSTGRES_PASSWORD}@postgres:5432/${postgresEnv.POSTGRES_DB}`,
    );
  });

  it("when images are built, then each build target exists in the Dockerfile", () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.build) continue;
      expect(dockerfile, name).to.match(new RegExp(`^FROM .+ AS ${service.build.target}$`, "m"));
    }
  });
});

describe("README", () => {
  it("when the configuration is documented, then every variable config.ts reads is in the README's table", () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    expect(CONFIG_VARIABLES.filter((name) => !readme.includes(`| \`${name}\` |`))).to.deep.equal([]);
  });
});
