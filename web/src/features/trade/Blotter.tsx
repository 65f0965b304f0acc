import { useMemo, useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import {
  type FillFieldsFragment,
  type OrderFieldsFragment,
  OrderStatus,
  useCancelOrderMutation,
  useOpenOrdersQuery,
  useOrderFillsQuery,
  useOrderUpdatesSubscription,
} from "../../gql/graphql";
import { formatToStep } from "../../lib/decimal";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";

const OPEN: ReadonlySet<string> = new Set([OrderStatus.New, OrderStatus.PartiallyFilled, OrderStatus.PendingTrigger]);
// Orders with their fills; the server's query-cost limit (QUERY_MAX_COST) bounds a page.
const FILLS_PAGE = 8;

/** The later of two versions of an order: updates can overtake the query that loaded the list. */
const newer = (a: OrderFieldsFragment | undefined, b: OrderFieldsFragment) => (!a || Date.parse(b.updatedAt) >= Date.parse(a.updatedAt) ? b : a);

/**
 * Open orders and fills of a portfolio. The lists load once; from then on every change arrives
 * on orderUpdates: new orders appear, filled or cancelled ones leave, fills are prepended.
 */
export function Blotter({ portfolioId, tickSizes = {} }: { portfolioId: string; tickSizes?: Readonly<Record<string, string>> }) {
  const price = (symbol: string, value: string) => (tickSizes[symbol] ? formatToStep(value, tickSizes[symbol]) : value);
  const [tab, setTab] = useState<"open" | "fills">("open");
  // The fills page is asked for once its tab is opened: the screen's first load spends only on what it shows.
  const [fillsOpened, setFillsOpened] = useState(false);
  const open = useOpenOrdersQuery({ variables: { portfolioId }, fetchPolicy: "cache-and-network" });
  const fills = useOrderFillsQuery({ variables: { portfolioId, first: FILLS_PAGE }, fetchPolicy: "cache-and-network", skip: !fillsOpened });
  const [liveOrders, setLiveOrders] = useState<ReadonlyMap<string, OrderFieldsFragment>>(new Map());
  const [liveFills, setLiveFills] = useState<readonly FillFieldsFragment[]>([]);
  const [cancel] = useCancelOrderMutation();

  useOrderUpdatesSubscription({
    variables: { portfolioId },
    onData: ({ data: event }) => {
      const update = event.data?.orderUpdates;
      if (!update) return;
      setLiveOrders((previous) => new Map(previous).set(update.order.id, newer(previous.get(update.order.id), update.order)));
      const fill = update.fill;
      if (fill) setLiveFills((previous) => (previous.some((f) => f.id === fill.id) ? previous : [fill, ...previous]));
    },
  });

  const openOrders = useMemo(() => {
    const byId = new Map<string, OrderFieldsFragment>();
    for (const { node } of open.data?.orders.edges ?? []) byId.set(node.id, node);
    for (const order of liveOrders.values()) byId.set(order.id, newer(byId.get(order.id), order));
    return [...byId.values()].filter((o) => OPEN.has(o.status)).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }, [open.data, liveOrders]);

  const allFills = useMemo(() => {
    const seen = new Set<string>();
    const loaded = (fills.data?.orders.edges ?? []).flatMap(({ node }) => node.fills);
    return [...liveFills, ...loaded.sort((a, b) => Date.parse(b.executedAt) - Date.parse(a.executedAt))].filter((f) => !seen.has(f.id) && seen.add(f.id));
  }, [fills.data, liveFills]);

  async function cancelOrder(id: string) {
    try {
      const { data } = await cancel({ variables: { id } });
      if (data) setLiveOrders((previous) => new Map(previous).set(id, newer(previous.get(id), data.cancelOrder)));
    } catch (e) {
      toast("error", "The order could not be cancelled", errorMessage(e));
    }
  }

  return (
    <section className="card" aria-label="Blotter" data-testid="blotter">
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === "open"} onClick={() => setTab("open")}>
          Open orders ({openOrders.length})
        </button>
        <button type="button" role="tab" aria-selected={tab === "fills"} onClick={() => {
            setTab("fills");
            setFillsOpened(true);
          }}>
          Fills ({allFills.length})
        </button>
      </div>
      {tab === "open" ? (
        open.loading && !open.data ? (
          <Loading label="Loading open orders…" />
        ) : open.error && !open.data ? (
          <ErrorState message="Open orders could not be loaded." onRetry={() => void open.refetch()} />
        ) : openOrders.length === 0 ? (
          <Empty>No open orders.</Empty>
        ) : (
          <table className="grid" data-testid="open-orders">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Symbol</th>
                <th scope="col">Side</th>
                <th scope="col">Type</th>
                <th scope="col" className="num">Price</th>
                <th scope="col" className="num">Filled / Qty</th>
                <th scope="col">Status</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {openOrders.map((o) => (
                <tr key={o.id} data-order-id={o.id} data-status={o.status}>
                  <td>{new Date(o.createdAt).toLocaleTimeString()}</td>
                  <td>{o.symbol}</td>
                  <td className={o.side === "BUY" ? "up" : "down"}>{o.side.toLowerCase()}</td>
                  <td>
                    {o.type.replace("_", " ").toLowerCase()} · {o.timeInForce}
                  </td>
                  <td className="num">{o.limitPrice ? price(o.symbol, o.limitPrice) : o.stopPrice ? `stop ${price(o.symbol, o.stopPrice)}` : "market"}</td>
                  <td className="num" data-testid="filled">
                    {o.filledQuantity} / {o.quantity}
                  </td>
                  <td data-testid="status">{o.status.replace("_", " ").toLowerCase()}</td>
                  <td className="num">
                    <button type="button" className="danger" onClick={() => void cancelOrder(o.id)}>
                      Cancel
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : fills.loading && !fills.data && liveFills.length === 0 ? (
        <Loading label="Loading fills…" />
      ) : fills.error && !fills.data ? (
        <ErrorState message="Fills could not be loaded." onRetry={() => void fills.refetch()} />
      ) : allFills.length === 0 ? (
        <Empty>No fills yet.</Empty>
      ) : (
        <table className="grid" data-testid="fills">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col" className="num">Quantity</th>
              <th scope="col" className="num">Price</th>
              <th scope="col" className="num">Fee</th>
              <th scope="col">Liquidity</th>
            </tr>
          </thead>
          <tbody>
            {allFills.map((f) => (
              <tr key={f.id} data-fill-id={f.id} data-order-id={f.orderId}>
                <td>{new Date(f.executedAt).toLocaleTimeString()}</td>
                <td>{f.symbol}</td>
                <td className={f.side === "BUY" ? "up" : "down"}>{f.side.toLowerCase()}</td>
                <td className="num">{f.quantity}</td>
                <td className="num">{price(f.symbol, f.price)}</td>
                <td className="num">{f.fee}</td>
                <td>{f.liquidity.toLowerCase()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
