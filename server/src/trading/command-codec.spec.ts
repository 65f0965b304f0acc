import { expect } from "chai";
import { Session } from "../identity";
import { Role } from "../infra/auth";
import { AppError } from "../infra/errors";
import { decode, encode, replyOf, settle } from "./command-codec";

describe("command codec", () => {
  it("when a command with money, times and a session crosses Redis, then it comes back equal", () => {
    const session = new Session({ kind: "user", userId: "u1", roles: [Role.TRADER], tokenId: "t", expiresAt: new Date("2030-01-01T00:00:00.000Z") }, "10.0.0.1");
    const command = { kind: "place", request: { session, amount: 123456789012345678901234n, expiresAt: new Date("2031-02-03T04:05:06.007Z"), note: { $n: "x", other: 1 } } };
    const text = encode(command);
    expect(text).to.not.match(/:\s*123456789012345678901234\b/);
    const back = decode<typeof command>(text);
    expect(back.request.amount).to.equal(123456789012345678901234n);
    expect(back.request.expiresAt).to.be.instanceOf(Date);
    expect(back.request.expiresAt.toISOString()).to.equal("2031-02-03T04:05:06.007Z");
    expect(back.request.session).to.be.instanceOf(Session);
    expect(back.request.session.requireUser()).to.equal("u1");
    expect((back.request.session.principal as { expiresAt: Date }).expiresAt).to.be.instanceOf(Date);
    expect(back.request.note).to.deep.equal({ $n: "x", other: 1 });
  });

  it("when a command is refused, then the caller gets the same typed error; a bug stays internal", () => {
    const refused = decode<ReturnType<typeof replyOf>>(encode(replyOf({ error: new AppError("RISK_REJECTED", "Insufficient buying power", { field: "quantity" }) })));
    expect(() => settle(refused)).to.throw(AppError).with.property("extensions").that.deep.equals({ field: "quantity", code: "RISK_REJECTED" });
    const bug = replyOf({ error: new Error("relation orders does not exist") });
    expect(bug).to.deep.equal({ ok: false, code: "INTERNAL_SERVER_ERROR", message: "Internal server error", extensions: {} });
  });
});
