import { expect } from "chai";
import { loadConfig } from "../config";
import { createKeyValueStore, type KeyValueStore, restoreRateFor } from "./kv";
import { createLogger } from "./logger";

const stores: Array<[string, () => KeyValueStore]> = [
  ["memory", () => createKeyValueStore(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", JWT_SECRET: "dGVzdC1vbmx5LWp3dC1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u" }), createLogger("silent"))],
];
if (process.env.REDIS_URL) {
  stores.push([
    "redis",
    () =>
      createKeyValueStore(
        loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `bgtest:${process.pid}:kv:${Date.now()}:` }),
        createLogger("silent"),
      ),
  ]);
}

for (const [kind, create] of stores) {
  describe(`admission in the ${kind} store`, () => {
    let kv: KeyValueStore;
    before(() => (kv = create()));
    after(() => kv.close());
    // One point a second: a slow machine cannot refill the bucket between two calls.
    const request = (bucketKey: string, denyKeys: string[] = []) => ({ denyKeys, rejectionKey: `rej:${bucketKey}`, bucketKey, cost: 4, capacity: 10, restorePerSecond: 1, loadFactor: 1 });

    it("when no deny key is flagged, then the bucket is charged until it runs dry", async () => {
      expect(await kv.admit(request("a"))).to.deep.include({ denied: false, allowed: true, available: 6, restoreRate: 1 });
      expect(await kv.admit(request("a"))).to.include({ denied: false, allowed: true });
      const third = await kv.admit(request("a"));
      expect(third).to.include({ denied: false, allowed: false });
      expect(third.available).to.be.lessThan(4);
    });

    it("when a deny key is flagged, then it is denied and nothing is charged", async () => {
      await kv.flag("deny:b", 60_000);
      expect(await kv.admit(request("b", ["deny:other", "deny:b"]))).to.include({ denied: true, allowed: false });
      expect(await kv.admit(request("b", ["deny:other"]))).to.deep.include({ denied: false, allowed: true, available: 6 });
    });

    it("when the principal was refused recently, then it restores more slowly, by the same rule in both stores", async () => {
      const fast = { ...request("c"), restorePerSecond: 100 };
      await kv.increment("rej:c", 60_000, 5);
      // The first five are free: a normal client's occasional refusal does not slow it.
      expect((await kv.admit(fast)).restoreRate).to.equal(restoreRateFor(100, 5, 1)).and.to.equal(100);
      await kv.increment("rej:c", 60_000, 5);
      expect((await kv.admit(fast)).restoreRate).to.equal(restoreRateFor(100, 10, 1)).and.to.equal(50);
      expect((await kv.admit({ ...fast, loadFactor: 0.25 })).restoreRate).to.equal(restoreRateFor(100, 10, 0.25)).and.to.equal(13);
      await kv.increment("rej:c", 60_000, 100);
      expect((await kv.admit(fast)).restoreRate).to.equal(10);
      expect((await kv.admit({ ...fast, restorePerSecond: 3 })).restoreRate).to.equal(1);
    });
  });
}
