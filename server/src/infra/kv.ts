import Redis from "ioredis";
import type { Config } from "../config";
import type { Logger } from "./logger";

export interface BucketResult {
  allowed: boolean;
  /** Tokens left after this request (before it, when refused). */
  available: number;
}

/** One request's admission: the revocation check, the principal's recent refusals and its bucket. */
export interface AdmissionRequest {
  /** Refused without charging when any of these is flagged (a revoked token or session). */
  denyKeys: string[];
  /** The principal's recent-refusal counter; it slows the restore rate (see `restoreRateFor`). */
  rejectionKey: string;
  bucketKey: string;
  cost: number;
  capacity: number;
  restorePerSecond: number;
  /** This process's load factor (1, 0.5 or 0.25), applied on top of the principal's. */
  loadFactor: number;
}

export interface AdmissionResult extends BucketResult {
  /** True when a deny key was flagged: nothing was charged. */
  denied: boolean;
  restoreRate: number;
}

/** Refusals within the window that cost nothing: a normal client's occasional mistake. */
export const FREE_REJECTIONS = 5;

/**
 * The restore rate of a principal with `rejections` recent refusals: the first five are free,
 * five more halve it, and it never falls below a tenth, nor below one point a second. The Redis
 * script below computes the same.
 */
export function restoreRateFor(restorePerSecond: number, rejections: number, loadFactor: number): number {
  const principalFactor = Math.max(0.1, 1 / (1 + Math.max(0, rejections - FREE_REJECTIONS) / 5));
  return Math.max(1, Math.floor(restorePerSecond * principalFactor * loadFactor + 0.5));
}

/**
 * Small shared state with expiry: counters, flags and token buckets. Redis when configured, so
 * every process sees the same limits and revocations; an in-process map when embedded.
 */
export interface KeyValueStore {
  /** Adds `by` (default 1) and returns the counter; the first change starts its time-to-live. */
  increment(key: string, ttlMs: number, by?: number): Promise<number>;
  get(key: string): Promise<number>;
  flag(key: string, ttlMs: number): Promise<void>;
  isFlagged(key: string): Promise<boolean>;
  /** True when any of the keys is flagged: one round trip for several checks. */
  anyFlagged(keys: string[]): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * The deny check, then the bucket: refilled at the principal's restore rate up to `capacity`,
   * then `cost` taken if it can be. Atomic, and one round trip to Redis.
   */
  admit(request: AdmissionRequest): Promise<AdmissionResult>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createKeyValueStore(config: Config, log: Logger): KeyValueStore {
  return config.redis.kind === "redis" ? new RedisStore(config.redis.url, config.redis.keyPrefix, config.instanceName, log) : new MemoryStore();
}

// KEYS: bucket, rejections, deny keys...; ARGV: capacity, restorePerSecond, loadFactor, cost.
// The same arithmetic as restoreRateFor and MemoryStore's bucket. A denied request reads nothing
// else and charges nothing. Redis's own clock, so processes with skewed clocks share one "now".
const ADMIT = `
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return { -1, '0', 0 } end
end
local capacity = tonumber(ARGV[1])
local rejections = tonumber(redis.call('GET', KEYS[2]) or '0')
local principal = math.max(0.1, 1 / (1 + math.max(0, rejections - 5) / 5))
local restore = math.max(1, math.floor(tonumber(ARGV[2]) * principal * tonumber(ARGV[3]) + 0.5))
local rate = restore / 1000
local cost = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return { allowed, tostring(tokens), restore }
`;

class RedisStore implements KeyValueStore {
  private readonly redis: Redis;

  constructor(url: string, keyPrefix: string, instanceName: string, log: Logger) {
    this.redis = new Redis(url, {
      keyPrefix,
      // Commands issued in the same tick by concurrent requests share one write to the socket.
      enableAutoPipelining: true,
      connectionName: `${instanceName}:kv`,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      // A limit check must not hang a request while Redis is away: fail fast instead.
      maxRetriesPerRequest: 1,
    });
    this.redis.on("error", (err) => log.warn({ err: { message: err.message } }, "redis kv connection error"));
    this.redis.defineCommand("admit", { lua: ADMIT });
  }

  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    const [[, count]] = (await this.redis.multi().incrby(key, by).pexpire(key, ttlMs, "NX").exec()) as [[null, number]];
    return count;
  }

  async get(key: string): Promise<number> {
    return Number((await this.redis.get(key)) ?? 0);
  }

  async flag(key: string, ttlMs: number): Promise<void> {
    await this.redis.set(key, "1", "PX", Math.max(1, Math.ceil(ttlMs)));
  }

  async isFlagged(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) === 1;
  }

  async anyFlagged(keys: string[]): Promise<boolean> {
    return (await this.redis.exists(...keys)) > 0;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async admit(request: AdmissionRequest): Promise<AdmissionResult> {
    const keys = [request.bucketKey, request.rejectionKey, ...request.denyKeys];
    const [allowed, tokens, restoreRate] = await (this.redis as unknown as { admit: (...args: unknown[]) => Promise<[number, string, number]> }).admit(
      keys.length,
      ...keys,
      request.capacity,
      request.restorePerSecond,
      request.loadFactor,
      request.cost,
    );
    if (allowed === -1) return { denied: true, allowed: false, available: 0, restoreRate: 0 };
    return { denied: false, allowed: allowed === 1, available: Number(tokens), restoreRate };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

interface Entry {
  value: number;
  expiresAt: number;
  ts?: number;
}

class MemoryStore implements KeyValueStore {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper = setInterval(() => this.sweep(), 30_000).unref();

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    const entry = this.live(key) ?? { value: 0, expiresAt: Date.now() + ttlMs };
    entry.value += by;
    this.entries.set(key, entry);
    return entry.value;
  }

  async get(key: string): Promise<number> {
    return this.live(key)?.value ?? 0;
  }

  async flag(key: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value: 1, expiresAt: Date.now() + ttlMs });
  }

  async isFlagged(key: string): Promise<boolean> {
    return this.live(key) !== undefined;
  }

  async anyFlagged(keys: string[]): Promise<boolean> {
    return keys.some((key) => this.live(key) !== undefined);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private takeTokens(key: string, cost: number, capacity: number, refillPerSecond: number): BucketResult {
    const now = Date.now();
    const entry = this.live(key) ?? { value: capacity, ts: now, expiresAt: 0 };
    let tokens = Math.min(capacity, entry.value + Math.max(0, now - (entry.ts ?? now)) * (refillPerSecond / 1000));
    const allowed = tokens >= cost;
    if (allowed) tokens -= cost;
    this.entries.set(key, { value: tokens, ts: now, expiresAt: now + Math.ceil((capacity / refillPerSecond) * 1000) + 1000 });
    return { allowed, available: tokens };
  }

  async admit(request: AdmissionRequest): Promise<AdmissionResult> {
    if (await this.anyFlagged(request.denyKeys)) return { denied: true, allowed: false, available: 0, restoreRate: 0 };
    const restoreRate = restoreRateFor(request.restorePerSecond, await this.get(request.rejectionKey), request.loadFactor);
    return { denied: false, restoreRate, ...this.takeTokens(request.bucketKey, request.cost, request.capacity, restoreRate) };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
