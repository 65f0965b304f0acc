import { expect } from "chai";
import { FieldCipher } from "./field-cipher";

describe("field encryption (AES-256-GCM)", () => {
  const k1 = FieldCipher.generateKey();
  const k2 = FieldCipher.generateKey();

  it("when a value is encrypted, then it decrypts in the same context, and the ciphertext names its key and differs each time", () => {
    const cipher = FieldCipher.fromKeyRing(`k1:${k1}`);
    const a = cipher.encrypt("1990-04-01", "users.date_of_birth:42");
    const b = cipher.encrypt("1990-04-01", "users.date_of_birth:42");
    expect(a).to.match(/^v1\.k1\./).and.not.equal(b);
    expect(cipher.decrypt(a, "users.date_of_birth:42")).to.equal("1990-04-01");
  });

  it("when ciphertext is moved to another row or altered, then it does not open", () => {
    const cipher = FieldCipher.fromKeyRing(`k1:${k1}`);
    const sealed = cipher.encrypt("secret", "users.mfa_secret:alice");
    expect(() => cipher.decrypt(sealed, "users.mfa_secret:mallory")).to.throw();
    const parts = sealed.split(".");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => cipher.decrypt(parts.join("."), "users.mfa_secret:alice")).to.throw();
  });

  it("when the ring gains a new active key, then old values still open, new ones use the new key, and stale ones are known", () => {
    const before = FieldCipher.fromKeyRing(`k1:${k1}`);
    const old = before.encrypt("x", "c");
    const after = FieldCipher.fromKeyRing(`k1:${k1},k2:${k2}`);
    expect(after.activeKeyId).to.equal("k2");
    expect(after.decrypt(old, "c")).to.equal("x");
    expect(after.isStale(old)).to.equal(true);
    expect(after.isStale(after.encrypt("x", "c"))).to.equal(false);
    expect(() => FieldCipher.fromKeyRing(`k1:${k1}`, "k9")).to.throw(/not in the key ring/);
  });

  it("when a value is MACed, then only the same value and purpose match, under any key still in the ring, and not without the key", () => {
    const before = FieldCipher.fromKeyRing(`k1:${k1}`);
    const stored = before.mac("alice:ABCDEFG2345678", "mfa backup code");
    expect(stored).to.match(/^m1\.k1\.[A-Za-z0-9_-]{43}$/);
    expect(before.macMatches(stored, "alice:ABCDEFG2345678", "mfa backup code")).to.equal(true);
    expect(before.macMatches(stored, "bob:ABCDEFG2345678", "mfa backup code")).to.equal(false);
    expect(before.macMatches(stored, "alice:ABCDEFG2345678", "another purpose")).to.equal(false);
    const rotated = FieldCipher.fromKeyRing(`k1:${k1},k2:${k2}`);
    expect(rotated.macMatches(stored, "alice:ABCDEFG2345678", "mfa backup code")).to.equal(true);
    expect(rotated.mac("x", "p")).to.match(/^m1\.k2\./);
    expect(FieldCipher.fromKeyRing(`k2:${k2}`).macMatches(stored, "alice:ABCDEFG2345678", "mfa backup code")).to.equal(false);
  });
});
