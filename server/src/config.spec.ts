import { expect } from "chai";
import { ConfigError, loadConfig } from "./config";

describe("config", () => {
  it("when nothing is configured, then the embedded database, in-process pub/sub and demo users are chosen", () => {
    const config = loadConfig({});
    expect(config.database.kind).to.equal("pglite");
    expect(config.redis.kind).to.equal("memory");
    expect(config.seedDemo).to.equal(true);
    expect(config).to.include({ host: "127.0.0.1", port: 4000, bcryptCost: 11 });
  });

  it("when DATABASE_URL and REDIS_URL are set, then they are used and demo users are off unless asked for", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u@db:5432/bg", REDIS_URL: "redis://cache:6379" });
    expect(config.database).to.deep.include({ kind: "postgres", url: "postgres://u@db:5432/bg" });
    expect(config.redis).to.deep.equal({ kind: "redis", url: "redis://cache:6379", keyPrefix: "bg:" });
    expect(config.seedDemo).to.equal(false);
    expect(loadConfig({ DATABASE_URL: "postgres://u@db/bg", SEED_DEMO: "true" }).seedDemo).to.equal(true);
  });

  it("when ROLE is set, then api and sequencer need PostgreSQL and Redis; unset it is all", () => {
    expect(loadConfig({}).role).to.equal("all");
    const services = { DATABASE_URL: "postgres://u@db:5432/bg", REDIS_URL: "redis://cache:6379" };
    expect(loadConfig({ ...services, ROLE: "api" })).to.include({ role: "api", commandTimeoutMs: 10_000 });
    expect(loadConfig({ ...services, ROLE: "sequencer" }).role).to.equal("sequencer");
    expect(() => loadConfig({ ROLE: "api", DATABASE_URL: services.DATABASE_URL })).to.throw(ConfigError, /ROLE=api: needs DATABASE_URL and REDIS_URL/);
    expect(() => loadConfig({ ...services, ROLE: "worker" })).to.throw(ConfigError, /ROLE/);
  });

  it("when TRUST_PROXY is set, then its entries are the proxies believed; unset, only loopback", () => {
    expect(loadConfig({}).trustProxy).to.deep.equal(["loopback"]);
    expect(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8,172.16.0.0/12" }).trustProxy).to.deep.equal(["loopback", "10.0.0.0/8", "172.16.0.0/12"]);
  });

  it("when a value is malformed, then loading fails naming every bad variable", () => {
    expect(() => loadConfig({ PORT: "70000", DATABASE_URL: "mysql://x", SEED_DEMO: "yes" }))
      .to.throw(ConfigError)
      .with.property("issues")
      .that.satisfies((issues: string[]) =>
        ["PORT", "DATABASE_URL", "SEED_DEMO"].every((name) => issues.some((issue) => issue.startsWith(name))),
      );
  });

  it("when MARKET_TICKS_PER_SECOND is set, then the simulator runs at that rate per instrument; unset it is 2, and a rate outside 0.1-100 is refused", () => {
    expect(loadConfig({}).market.ticksPerSecond).to.equal(2);
    expect(loadConfig({ MARKET_TICKS_PER_SECOND: "1" }).market.ticksPerSecond).to.equal(1);
    expect(loadConfig({ MARKET_TICKS_PER_SECOND: "0.5" }).market.ticksPerSecond).to.equal(0.5);
    for (const bad of ["0", "-1", "101", "fast"]) {
      expect(() => loadConfig({ MARKET_TICKS_PER_SECOND: bad }), bad).to.throw(ConfigError, /MARKET_TICKS_PER_SECOND/);
    }
  });

  it("when webhooks may reach private addresses, then it is off by default and refused in production", () => {
    expect(loadConfig({}).webhooks).to.deep.equal({ allowPrivate: false, timeoutMs: 10_000, retryBaseMs: 10_000, pollIntervalMs: 1_000 });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "true" }).webhooks.allowPrivate).to.equal(true);
    expect(() => loadConfig({ NODE_ENV: "production", AUDIT_SIGNING_KEY_FILE: "/etc/bg/audit.pem", WEBHOOK_ALLOW_PRIVATE: "true" })).to.throw(ConfigError, /WEBHOOK_ALLOW_PRIVATE/);
    expect(() => loadConfig({ WEBHOOK_RETRY_BASE_MS: "60000" }), "the first retry must come within 30 s").to.throw(ConfigError, /WEBHOOK_RETRY_BASE_MS/);
  });

  it("when bcrypt cost is below 10 outside tests, then the server refuses to start", () => {
    expect(() => loadConfig({ BCRYPT_COST: "4" })).to.throw(ConfigError, /BCRYPT_COST/);
    expect(loadConfig({ BCRYPT_COST: "4", NODE_ENV: "test" }).bcryptCost).to.equal(4);
  });

  it("when CHAIN_RPC_URL is unset, then chain features are off; set, it is read with the indexer's defaults, and a non-HTTP URL is refused", () => {
    expect(loadConfig({}).chain.rpcUrl).to.equal(undefined);
    expect(loadConfig({ CHAIN_RPC_URL: "http://chain:8545" }).chain).to.deep.equal({
      rpcUrl: "http://chain:8545",
      deploymentsFile: undefined,
      pollIntervalMs: 1000,
      confirmations: 0,
      reorgDepth: 64,
      linkDomain: "localhost",
      auditAnchorPrivateKey: undefined,
    });
    expect(() => loadConfig({ CHAIN_RPC_URL: "ftp://chain" })).to.throw(ConfigError, /CHAIN_RPC_URL/);
  });

  it("when AUDIT_ANCHOR_PRIVATE_KEY is set, then it needs CHAIN_RPC_URL and the shape of a private key", () => {
    const key = `0x${"ab".repeat(32)}`;
    expect(loadConfig({ CHAIN_RPC_URL: "http://chain:8545", AUDIT_ANCHOR_PRIVATE_KEY: key }).chain.auditAnchorPrivateKey).to.equal(key);
    expect(() => loadConfig({ AUDIT_ANCHOR_PRIVATE_KEY: key })).to.throw(ConfigError, /AUDIT_ANCHOR_PRIVATE_KEY: needs CHAIN_RPC_URL/);
    expect(() => loadConfig({ CHAIN_RPC_URL: "http://chain:8545", AUDIT_ANCHOR_PRIVATE_KEY: "ab".repeat(32) })).to.throw(ConfigError, /AUDIT_ANCHOR_PRIVATE_KEY/);
  });
});
