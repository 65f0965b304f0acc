import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import type { KeyValueStore } from "../../infra/kv";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface Charge {
  allowed: boolean;
  /** A deny key was flagged (the credential was revoked): nothing was charged. */
  denied: boolean;
  status: ThrottleStatus;
  /** When refused: seconds until the bucket holds the cost again at the current restore rate. */
  retryAfterSeconds: number;
}

/** How long a rejection weighs on its principal's restore rate. */
const REJECTION_WINDOW_MS = 60_000;

const rejectionKey = (principalKey: string) => `rl:rej:${principalKey}`;

/**
 * A cost-based token bucket per principal (user, API key, or anonymous address), kept in the
 * shared store. Adaptive: a principal whose recent requests were refused for probing (failed auth,
 * forbidden fields, malformed operations) refills more slowly, and everyone refills more slowly while the event loop
 * lags, so load sheds before latency collapses.
 */
export class AdaptiveRateLimiter {
  private readonly lag: IntervalHistogram;
  private loadFactorValue = 1;
  private readonly sampler: NodeJS.Timeout;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly capacity: number,
    private readonly restorePerSecond: number,
  ) {
    this.lag = monitorEventLoopDelay({ resolution: 20 });
    this.lag.enable();
    this.sampler = setInterval(() => this.sampleLoad(), 1_000).unref();
  }

  /** 1 when the event loop is healthy; 0.5 above 100 ms p99 lag; 0.25 above 250 ms. */
  get loadFactor(): number {
    return this.loadFactorValue;
  }

  /**
   * Charges `cost` to the principal's bucket, unless one of `denyKeys` is flagged: the caller's
   * revocation check rides in the same atomic step, so a request costs one round trip to Redis.
   * Past five free ones, five more recent rejections halve the restore rate; it never falls below a tenth.
   */
  async charge(principalKey: string, cost: number, denyKeys: string[] = []): Promise<Charge> {
    const result = await this.kv.admit({
      denyKeys,
      rejectionKey: rejectionKey(principalKey),
      bucketKey: `rl:bucket:${principalKey}`,
      cost,
      capacity: this.capacity,
      restorePerSecond: this.restorePerSecond,
      loadFactor: this.loadFactorValue,
    });
    const available = Math.floor(result.available);
    const restoreRate = result.restoreRate;
    return {
      allowed: result.allowed,
      denied: result.denied,
      status: { maximumAvailable: this.capacity, currentlyAvailable: available, restoreRate },
      retryAfterSeconds: result.allowed || result.denied ? 0 : Math.max(1, Math.ceil((cost - result.available) / restoreRate)),
    };
  }

  /** True when any of the keys is flagged (a revocation checked without a charge). */
  anyFlagged(keys: string[]): Promise<boolean> {
    return this.kv.anyFlagged(keys);
  }

  async noteRejection(principalKey: string): Promise<void> {
    await this.kv.increment(rejectionKey(principalKey), REJECTION_WINDOW_MS);
  }

  stop(): void {
    clearInterval(this.sampler);
    this.lag.disable();
  }

  private sampleLoad(): void {
    const p99Ms = this.lag.percentile(99) / 1e6;
    this.loadFactorValue = p99Ms > 250 ? 0.25 : p99Ms > 100 ? 0.5 : 1;
    this.lag.reset();
  }
}
