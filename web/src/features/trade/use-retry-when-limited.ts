import { CombinedGraphQLErrors } from "@apollo/client";
import { useEffect } from "react";

/**
 * The trade screen loads several lists at once and can spend the caller's query-cost budget;
 * the client's link retries waits of up to 10 s and then gives up. A list refused for a longer
 * wait asks again by itself once the server's `retryAfterSeconds` has passed, rather than
 * leaving the trader an error to click away.
 */
export function useRetryWhenLimited(error: unknown, refetch: () => unknown): void {
  const seconds = CombinedGraphQLErrors.is(error) ? Number(error.errors.find((e) => e.extensions?.code === "RATE_LIMITED")?.extensions?.retryAfterSeconds) : NaN;
  useEffect(() => {
    if (!(seconds >= 0)) return;
    const timer = setTimeout(() => void refetch(), (seconds + 0.5) * 1000);
    return () => clearTimeout(timer);
  }, [error, seconds, refetch]);
}
