import { useState } from "react";
import { Empty } from "../../components/ui/States";
import { type TradesTapeSubscription, useTradesTapeSubscription } from "../../gql/graphql";
import { formatStepGrouped } from "../../lib/decimal";

const KEEP = 30;
type Trade = TradesTapeSubscription["trades"];

/** Trades as they print, newest on top. */
export function TradesTape({ symbol, tickSize }: { symbol: string; tickSize: string }) {
  const [trades, setTrades] = useState<Trade[]>([]);
  const [forSymbol, setForSymbol] = useState(symbol);
  if (forSymbol !== symbol) {
    setForSymbol(symbol);
    setTrades([]);
  }
  useTradesTapeSubscription({
    variables: { symbol },
    onData: ({ data: event }) => {
      const trade = event.data?.trades;
      if (trade && trade.symbol === symbol) setTrades((previous) => [trade, ...previous].slice(0, KEEP));
    },
  });
  if (trades.length === 0) return <Empty>Waiting for the next trade…</Empty>;
  return (
    <table className="grid tape" data-testid="trades-tape">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col" className="num">Price</th>
          <th scope="col" className="num">Quantity</th>
        </tr>
      </thead>
      <tbody>
        {trades.map((t) => (
          <tr key={t.id}>
            <td>{new Date(t.executedAt).toLocaleTimeString()}</td>
            <td className={`num ${t.aggressorSide === "BUY" ? "up" : "down"}`}>{formatStepGrouped(t.price, tickSize)}</td>
            <td className="num">{t.quantity}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
