import type { Gauge } from "prom-client";

/**
 * Wraps a subscription's event stream so the active-subscriptions gauge counts it exactly
 * once, however it ends: the client completes, the socket closes, or the server stops.
 */
export function trackSubscription<T>(source: AsyncIterableIterator<T>, gauge: Gauge): AsyncIterableIterator<T> {
  gauge.inc();
  let open = true;
  const finish = () => {
    if (open) {
      open = false;
      gauge.dec();
    }
  };
  return {
    async next() {
      const result = await source.next();
      if (result.done) finish();
      return result;
    },
    async return(value?: unknown) {
      finish();
      return source.return ? source.return(value) : { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      finish();
      if (source.throw) return source.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
