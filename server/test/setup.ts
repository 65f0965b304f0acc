import "reflect-metadata";

/**
 * CI sets REQUIRE_SERVICES=1: there a missing DATABASE_URL or REDIS_URL is a failure, not a
 * quiet fall-back to the embedded defaults.
 */
if (process.env.REQUIRE_SERVICES === "1") {
  for (const name of ["DATABASE_URL", "REDIS_URL"]) {
    if (!process.env[name]) throw new Error(`${name} must be set when REQUIRE_SERVICES=1`);
  }
}
