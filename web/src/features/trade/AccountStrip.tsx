import { useState } from "react";
import { ErrorState } from "../../components/ui/States";
import { type TradeValuationSubscription, useAccountFillsSubscription, useTradeAccountQuery, useTradeValuationSubscription } from "../../gql/graphql";
import { compareDecimal, direction, formatMoney } from "../../lib/decimal";
import { ClosePosition } from "./ClosePosition";

type Valuation = TradeValuationSubscription["portfolioValuation"];

/** The selected portfolio's value, cash and position in this symbol, live while trading. */
export function AccountStrip({ portfolioId, symbol }: { portfolioId: string; symbol: string }) {
  const { data, error, refetch } = useTradeAccountQuery({ variables: { id: portfolioId }, fetchPolicy: "cache-and-network" });
  const [live, setLive] = useState<Valuation | null>(null);
  useTradeValuationSubscription({ variables: { portfolioId }, onData: ({ data: event }) => event.data && setLive(event.data.portfolioValuation) });
  useAccountFillsSubscription({ variables: { portfolioId }, onData: ({ data: event }) => void (event.data?.orderUpdates.fill && refetch()) });
  if (error && !data) return <ErrorState message="The portfolio could not be loaded." onRetry={() => void refetch()} />;
  const portfolio = data?.portfolio;
  if (!portfolio) return null;
  const totals = live && live.portfolioId === portfolio.id ? live : portfolio;
  const position = portfolio.positions.find((p) => p.symbol === symbol && p.source === "LEDGER");
  return (
    <div className="strip" data-testid="account-strip">
      <dl className="strip-facts">
      <div>
        <dt>Value</dt>
        <dd data-testid="strip-total-value">{formatMoney(totals.totalValue)}</dd>
      </div>
      <div>
        <dt>Available cash</dt>
        <dd data-testid="strip-available-cash">{formatMoney(portfolio.availableCash)}</dd>
      </div>
      <div>
        <dt>Unrealized</dt>
        <dd className={direction(totals.unrealizedPnl)}>{formatMoney(totals.unrealizedPnl)}</dd>
      </div>
      <div>
        <dt>{symbol} held</dt>
        <dd data-testid="strip-position">{position?.quantity ?? "0"}</dd>
      </div>
      </dl>
      {position && compareDecimal(position.quantity, "0") > 0 && <ClosePosition portfolioId={portfolio.id} symbol={symbol} quantity={position.quantity} />}
    </div>
  );
}
