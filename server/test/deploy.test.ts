import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { CONFIG_VARIABLES, REPO_ROOT } from "../src/config";

/** docker-compose.yml cannot run here (no Docker engine); these checks keep it honest by reading it. */
describe("docker-compose.yml", () => {
  const compose = parse(fs.readFileSync(path.join(REPO_ROOT, "docker-compose.yml"), "utf8"));
  const dockerfile = fs.readFileSync(path.join(REPO_ROOT, "Dockerfile"), "utf8");
  const services = compose.services as Record<string, any>;

  it("when the stack is read, then it has postgres, redis, a chain and the server", () => {
    expect(services).to.include.keys("postgres", "redis", "chain", "server");
  });

  it("when a service waits for another to be healthy, then that one has a health check", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries<any>(service.depends_on ?? {})) {
        expect(services, `${name} depends on ${dependency}`).to.have.property(dependency);
        if (condition.condition === "service_healthy") expect(services[dependency].healthcheck, dependency).to.be.an("object");
      }
    }
    expect(services.server.healthcheck.test.join(" ")).to.contain("/readyz");
  });

  it("when the server is configured, then every variable is one config.ts reads and the URLs name compose services", () => {
    const env = services.server.environment as Record<string, string>;
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
