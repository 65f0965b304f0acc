import { useState } from "react";
import { type MarketDataStatusChangedSubscription, useMarketDataStatusChangedSubscription, useMarketDataStatusQuery } from "../../gql/graphql";

type Status = MarketDataStatusChangedSubscription["marketDataStatus"];

/** "Stale prices" (or "Halted") beside the last price while the symbol's market data says so; nothing otherwise. */
export function MarketDataBadge({ symbol }: { symbol: string }) {
  const { data } = useMarketDataStatusQuery({ fetchPolicy: "cache-and-network" });
  const [live, setLive] = useState<Status | null>(null);
  useMarketDataStatusChangedSubscription({ onData: ({ data: event }) => event.data && event.data.marketDataStatus.symbol === symbol && setLive(event.data.marketDataStatus) });
  const status = (live?.symbol === symbol ? live : null) ?? data?.marketDataStatus.find((s) => s.symbol === symbol);
  if (!status?.halted) return null;
  return status.stale ? (
    <span className="badge badge-offline" role="status" data-testid="market-data-stale" title="No recent price from the feed: market and stop orders are refused until prices resume; limit orders are accepted">
      Stale prices
    </span>
  ) : (
    <span className="badge badge-offline" role="status" data-testid="market-data-halted" title="Trading in this instrument is halted">
      Halted
    </span>
  );
}
