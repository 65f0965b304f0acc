import { useState } from "react";
import { FormError } from "../../components/ui/Field";
import {
  OrderSide,
  OrderType,
  type PortfolioDetailQuery,
  TimeInForce,
  useAllocationInstrumentsQuery,
  useSetTargetAllocationMutation,
  useSubmitRebalanceOrderMutation,
} from "../../gql/graphql";
import { formatPercent, isDecimal, shiftDecimal, sumDecimals } from "../../lib/decimal";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";

type Portfolio = NonNullable<PortfolioDetailQuery["portfolio"]>;
interface Row {
  symbol: string;
  percent: string;
}

/**
 * Targets as percentages (stored as weights that must sum to exactly 1), the server's proposal
 * for getting there, and one click to send its orders: sells first, so buys have the cash.
 */
export function AllocationEditor({ portfolio, onOrdersDone }: { portfolio: Portfolio; onOrdersDone: () => void }) {
  const instruments = useAllocationInstrumentsQuery();
  const [save, saveState] = useSetTargetAllocationMutation();
  const [submitOrder] = useSubmitRebalanceOrderMutation();
  const [rows, setRows] = useState<Row[]>(() => portfolio.targetAllocation.map((t) => ({ symbol: t.symbol, percent: shiftDecimal(t.weight, 2) })));
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const badRow = rows.find((r) => !r.symbol || !isDecimal(r.percent));
  const total = badRow ? null : sumDecimals(rows.map((r) => r.percent));
  const balanced = rows.length === 0 || total === "100";
  const symbols = instruments.data?.instruments.map((i) => i.symbol) ?? [];
  const proposal = portfolio.rebalanceProposal;

  async function saveTargets() {
    setError(null);
    try {
      await save({ variables: { portfolioId: portfolio.id, targets: rows.map((r) => ({ symbol: r.symbol, weight: shiftDecimal(r.percent, -2) })) } });
      toast("success", "Target allocation saved");
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function submitProposal() {
    setSubmitting(true);
    setError(null);
    const ordered = [...proposal.orders].sort((a, b) => (a.side === b.side ? 0 : a.side === OrderSide.Sell ? -1 : 1));
    let placed = 0;
    const failures: string[] = [];
    for (const order of ordered) {
      try {
        const { data } = await submitOrder({
          variables: { input: { portfolioId: portfolio.id, symbol: order.symbol, side: order.side, type: OrderType.Market, quantity: order.quantity, timeInForce: TimeInForce.Ioc } },
        });
        if (data?.placeOrder.status === "REJECTED") failures.push(`${order.symbol}: ${data.placeOrder.rejectReason ?? "rejected"}`);
        else placed++;
      } catch (e) {
        failures.push(`${order.symbol}: ${errorMessage(e)}`);
      }
    }
    setSubmitting(false);
    if (failures.length) setError(failures.join("; "));
    toast(failures.length ? "error" : "success", `Rebalance: ${placed} of ${ordered.length} orders sent`);
    onOrdersDone();
  }

  return (
    <div className="stack" data-testid="allocation">
      {rows.map((row, index) => (
        <div className="row" key={index}>
          <select aria-label="Instrument" value={row.symbol} onChange={(e) => setRows(rows.map((r, i) => (i === index ? { ...r, symbol: e.target.value } : r)))}>
            <option value="">Choose…</option>
            {symbols.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <input aria-label={`Target percent for ${row.symbol || "row " + (index + 1)}`} inputMode="decimal" className="short" value={row.percent} onChange={(e) => setRows(rows.map((r, i) => (i === index ? { ...r, percent: e.target.value } : r)))} />
          <span>%</span>
          <button type="button" className="link" onClick={() => setRows(rows.filter((_, i) => i !== index))} aria-label="Remove target">
            Remove
          </button>
        </div>
      ))}
      <div className="row spread">
        <button type="button" onClick={() => setRows([...rows, { symbol: "", percent: "0" }])}>
          Add target
        </button>
        <span className={balanced ? "muted" : "down"}>{total === null ? "Fill in every row" : `Total ${total}%${balanced ? "" : " (must be 100%)"}`}</span>
      </div>
      <FormError message={error} />
      <button type="button" className="primary" disabled={!balanced || !!badRow || saveState.loading} onClick={() => void saveTargets()}>
        Save targets
      </button>
      {portfolio.targetAllocation.length > 0 && (
        <div className="proposal" data-testid="rebalance-proposal">
          <h3>Proposal</h3>
          <p className="muted">
            Largest drift {formatPercent(proposal.maxDrift)} (threshold {formatPercent(portfolio.rebalanceThreshold)}):{" "}
            {proposal.needed ? "rebalancing is due." : "within the threshold."}
          </p>
          {proposal.orders.length === 0 ? (
            <p className="muted">No orders needed.</p>
          ) : (
            <>
              <ul>
                {proposal.orders.map((o) => (
                  <li key={`${o.symbol}-${o.side}`}>
                    {o.side === OrderSide.Buy ? "Buy" : "Sell"} {o.quantity} {o.symbol} at about {o.estimatedPrice}
                  </li>
                ))}
              </ul>
              <button type="button" className="primary" disabled={submitting} onClick={() => void submitProposal()}>
                {submitting ? "Sending orders…" : `Send ${proposal.orders.length} market orders`}
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
