import { expect } from "chai";
import fc from "fast-check";
import { IdMap } from "./id-map";

/** Ids from a small pool (so sets, overwrites and deletes meet), some far apart or beyond 2^32 (their low bits collide). */
const id = fc.oneof(
  fc.integer({ min: -3, max: 60 }),
  fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 33 + 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_000_000_007),
);

const operation = fc.oneof(
  fc.record({ op: fc.constant("set" as const), id, value: fc.integer() }),
  fc.record({ op: fc.constant("delete" as const), id }),
  fc.record({ op: fc.constant("get" as const), id }),
);

describe("IdMap against Map", () => {
  it("when both receive the same sets, deletes and gets, then they answer alike and hold the same entries", () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), (operations) => {
        const ids = new IdMap<number>();
        const map = new Map<number, number>();
        for (const operation of operations) {
          if (operation.op === "set") {
            ids.set(operation.id, operation.value);
            map.set(operation.id, operation.value);
          } else if (operation.op === "delete") {
            ids.delete(operation.id);
            map.delete(operation.id);
          }
          expect(ids.get(operation.id)).to.equal(map.get(operation.id));
          expect(ids.size).to.equal(map.size);
        }
        for (const [key, value] of map) expect(ids.get(key)).to.equal(value);
        expect([...ids.values()].sort()).to.deep.equal([...map.values()].sort());
      }),
      { numRuns: 500 },
    );
  });

  it("when many ids share a probe run and some leave, then every other id is still found", () => {
    const ids = new IdMap<number>();
    // Multiples of 2^32 all hash to the same slot: one long run, then holes in it.
    const keys = Array.from({ length: 40 }, (_, i) => i * 2 ** 32);
    for (const key of keys) ids.set(key, key);
    for (const key of keys.filter((_, i) => i % 3 === 0)) ids.delete(key);
    for (const [i, key] of keys.entries()) expect(ids.get(key)).to.equal(i % 3 === 0 ? undefined : key);
    expect(ids.size).to.equal(keys.length - Math.ceil(keys.length / 3));
  });
});
