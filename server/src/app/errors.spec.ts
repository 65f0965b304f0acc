import { expect } from "chai";
import { GraphQLError } from "graphql";
import pino from "pino";
import { AppError } from "../infra/errors";
import { formatError } from "./errors";

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe("error mapping", () => {
  it("when a resolver throws a bug, then the caller sees INTERNAL_SERVER_ERROR and the request id, and only the log sees the cause", () => {
    const { log, lines } = capture();
    const raw = new GraphQLError("boom", { originalError: new Error("password=hunter2 at db.internal:5432"), path: ["instruments"] });
    const formatted = formatError(raw.toJSON(), raw, log, "req-123");
    expect(formatted).to.deep.equal({
      message: "Internal server error",
      path: ["instruments"],
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-123" },
    });
    expect(JSON.stringify(formatted)).not.to.contain("hunter2");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ requestId: "req-123", msg: "internal error" });
  });

  it("when a service raises an expected outcome, then its code and message pass through without a stack", () => {
    const { log, lines } = capture();
    const raw = new GraphQLError("wrapped", { originalError: new AppError("RISK_REJECTED", "Insufficient buying power", { reason: "BUYING_POWER" }) });
    const formatted = formatError(
      { message: "Insufficient buying power", extensions: { code: "RISK_REJECTED", reason: "BUYING_POWER", stacktrace: ["at x"] } },
      raw,
      log,
      "req-1",
    );
    expect(formatted.extensions).to.deep.equal({ code: "RISK_REJECTED", reason: "BUYING_POWER" });
    expect(formatted.message).to.equal("Insufficient buying power");
    expect(lines).to.have.length(0);
  });

  it("when graphql-js rejects the request itself, then it is the caller's BAD_USER_INPUT", () => {
    const { log } = capture();
    const raw = new GraphQLError('Variable "$symbols" of required type "[String!]!" was not provided.');
    expect(formatError(raw.toJSON(), raw, log, undefined).extensions).to.deep.equal({ code: "BAD_USER_INPUT" });
    const validation = { message: "Cannot query field", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
    expect(formatError(validation, new GraphQLError("x"), log, undefined).extensions).to.deep.equal({ code: "BAD_USER_INPUT" });
  });

  it("when a write fails because the client closed its socket (EPIPE), then it is not logged as an internal error", () => {
    const { log, lines } = capture();
    const gone = Object.assign(new Error("write EPIPE"), { code: "EPIPE", syscall: "write" });
    const raw = new GraphQLError("write EPIPE", { originalError: gone, path: ["quotes"] });
    expect(formatError(raw.toJSON(), raw, log, "req-9").extensions?.code).to.equal("INTERNAL_SERVER_ERROR");
    expect(lines.filter((line) => Number(line.level) >= 50)).to.deep.equal([]);
  });
});
