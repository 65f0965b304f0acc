import { useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { OrderSide, OrderStatus, useOrderHistoryQuery } from "../../gql/graphql";
import { orderPrice, orderType, formatPrice } from "./order-format";
import { orderWords } from "./order-errors";
import { useRetryWhenLimited } from "./use-retry-when-limited";

// A page of finished orders; the server's query-cost limit (QUERY_MAX_COST) bounds it.
const PAGE = 10;
const FINISHED = [OrderStatus.Filled, OrderStatus.Cancelled, OrderStatus.Expired, OrderStatus.Rejected];
const STATUS_LABELS: Record<string, string> = { FILLED: "Filled", CANCELLED: "Cancelled", EXPIRED: "Expired", REJECTED: "Rejected" };

/**
 * Orders that are done: filled, cancelled, expired or rejected, newest first. The status filter
 * is the server's (each choice loads its own pages); symbol and side narrow the loaded rows.
 */
export function OrderHistory({ portfolioId, symbols, tickSizes }: { portfolioId: string; symbols: readonly string[]; tickSizes: Readonly<Record<string, string>> }) {
  const [status, setStatus] = useState<OrderStatus | "ALL">("ALL");
  const [symbol, setSymbol] = useState("ALL");
  const [side, setSide] = useState<OrderSide | "ALL">("ALL");
  const history = useOrderHistoryQuery({
    variables: { portfolioId, status: status === "ALL" ? FINISHED : [status], first: PAGE },
    fetchPolicy: "cache-and-network",
  });
  useRetryWhenLimited(history.error, history.refetch);
  const page = history.data?.orders;
  const rows = (page?.edges ?? []).map((e) => e.node).filter((o) => (symbol === "ALL" || o.symbol === symbol) && (side === "ALL" || o.side === side));

  async function more() {
    if (!page?.pageInfo.endCursor) return;
    await history.fetchMore({
      variables: { after: page.pageInfo.endCursor },
      updateQuery: (previous, { fetchMoreResult }) => ({
        orders: { ...fetchMoreResult.orders, edges: [...previous.orders.edges, ...fetchMoreResult.orders.edges] },
      }),
    });
  }

  return (
    <div className="stack" data-testid="order-history">
      <div className="row filters" role="group" aria-label="Filter the order history">
        <label className="field inline">
          <span>Status</span>
          <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as OrderStatus | "ALL")}>
            <option value="ALL">All finished</option>
            {FINISHED.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Symbol</span>
          <select aria-label="Symbol" value={symbol} onChange={(e) => setSymbol(e.target.value)}>
            <option value="ALL">All</option>
            {symbols.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Side</span>
          <select aria-label="Side" value={side} onChange={(e) => setSide(e.target.value as OrderSide | "ALL")}>
            <option value="ALL">Both</option>
            <option value={OrderSide.Buy}>Buy</option>
            <option value={OrderSide.Sell}>Sell</option>
          </select>
        </label>
      </div>
      {history.loading && !page ? (
        <Loading label="Loading the order history…" />
      ) : history.error && !page ? (
        <ErrorState message="The order history could not be loaded." onRetry={() => void history.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No orders match.</Empty>
      ) : (
        <div className="table-scroll">
          <table className="grid" data-testid="history-orders">
            <thead>
              <tr>
                <th scope="col">Updated</th>
                <th scope="col">Symbol</th>
                <th scope="col">Side</th>
                <th scope="col">Type</th>
                <th scope="col" className="num">Price</th>
                <th scope="col" className="num">Filled / Qty</th>
                <th scope="col" className="num">Avg fill</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.id} data-order-id={o.id} data-status={o.status}>
                  <td>{new Date(o.updatedAt).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" })}</td>
                  <td>{o.symbol}</td>
                  <td className={o.side === OrderSide.Buy ? "up" : "down"}>{o.side.toLowerCase()}</td>
                  <td>{orderType(o)}</td>
                  <td className="num">{orderPrice(o, tickSizes[o.symbol])}</td>
                  <td className="num">
                    {o.filledQuantity} / {o.quantity}
                  </td>
                  <td className="num">{o.averageFillPrice ? formatPrice(o.averageFillPrice, tickSizes[o.symbol]) : "—"}</td>
                  <td data-testid="status" title={o.rejectReason ? orderWords(o.rejectReason) : undefined}>
                    {STATUS_LABELS[o.status] ?? o.status.toLowerCase()}
                    {o.rejectReason && <small className="muted"> · {orderWords(o.rejectReason)}</small>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page?.pageInfo.hasNextPage && (
        <button type="button" onClick={() => void more()}>
          Load older orders
        </button>
      )}
    </div>
  );
}
