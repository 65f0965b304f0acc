import { useMemo, useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { type FillFieldsFragment, type OrderFieldsFragment, OrderStatus, useOpenOrdersQuery, useOrderFillsQuery, useOrderUpdatesSubscription } from "../../gql/graphql";
import { formatMoney } from "../../lib/decimal";
import { OpenOrdersTable } from "./OpenOrdersTable";
import { formatPrice } from "./order-format";
import { OrderHistory } from "./OrderHistory";
import { useRetryWhenLimited } from "./use-retry-when-limited";

const OPEN: ReadonlySet<string> = new Set([OrderStatus.New, OrderStatus.PartiallyFilled, OrderStatus.PendingTrigger]);
// Orders with their fills; the server's query-cost limit (QUERY_MAX_COST) bounds a page.
const FILLS_PAGE = 8;

type Tab = "open" | "fills" | "history";
type Steps = Readonly<Record<string, { tickSize: string; lotSize: string }>>;

/** The later of two versions of an order: updates can overtake the query that loaded the list. */
const newer = (a: OrderFieldsFragment | undefined, b: OrderFieldsFragment) => (!a || Date.parse(b.updatedAt) >= Date.parse(a.updatedAt) ? b : a);

/**
 * Open orders (Modify, Cancel, Cancel all), fills and the history of finished orders of a
 * portfolio. The lists load once; from then on every change arrives on orderUpdates: new orders
 * appear, filled or cancelled ones leave, fills are prepended.
 */
export function Blotter({ portfolioId, steps = {} }: { portfolioId: string; steps?: Steps }) {
  const tickSizes = useMemo(() => Object.fromEntries(Object.entries(steps).map(([symbol, s]) => [symbol, s.tickSize])), [steps]);
  const [tab, setTab] = useState<Tab>("open");
  const open = useOpenOrdersQuery({ variables: { portfolioId }, fetchPolicy: "cache-and-network" });
  // Fills load when their tab is first opened: the screen's first load is what spends the
  // query-cost budget, and fills that arrive meanwhile come live on orderUpdates anyway.
  const [fillsOpened, setFillsOpened] = useState(false);
  const fills = useOrderFillsQuery({ variables: { portfolioId, first: FILLS_PAGE }, fetchPolicy: "cache-and-network", skip: !fillsOpened });
  useRetryWhenLimited(open.error, open.refetch);
  useRetryWhenLimited(fills.error, fills.refetch);
  const [liveOrders, setLiveOrders] = useState<ReadonlyMap<string, OrderFieldsFragment>>(new Map());
  const [liveFills, setLiveFills] = useState<readonly FillFieldsFragment[]>([]);
  // After Cancel all nothing is open, whether or not the list ever loaded: no need to ask again
  // (and spend the rate-limit budget the history tab is about to need).
  const [allCancelled, setAllCancelled] = useState(false);
  const remember = (orders: readonly OrderFieldsFragment[]) =>
    setLiveOrders((previous) => {
      const next = new Map(previous);
      for (const order of orders) next.set(order.id, newer(next.get(order.id), order));
      return next;
    });

  useOrderUpdatesSubscription({
    variables: { portfolioId },
    onData: ({ data: event }) => {
      const update = event.data?.orderUpdates;
      if (!update) return;
      remember([update.order]);
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

  const tabButton = (id: Tab, label: string) => (
    <button type="button" role="tab" id={`blotter-tab-${id}`} aria-controls="blotter-panel" aria-selected={tab === id} onClick={() => (setTab(id), id === "fills" && setFillsOpened(true))}>
      {label}
    </button>
  );

  return (
    <section className="card blotter" aria-label="Blotter" data-testid="blotter">
      <div className="tabs" role="tablist">
        {tabButton("open", `Open orders (${openOrders.length})`)}
        {tabButton("fills", `Fills (${allFills.length})`)}
        {tabButton("history", "History")}
      </div>
      <div id="blotter-panel" role="tabpanel" aria-labelledby={`blotter-tab-${tab}`}>
        {tab === "open" ? (
          // Orders placed or changed since the screen opened show at once, even while the list
          // is still loading (a busy rate-limit budget can hold it back for seconds).
          openOrders.length > 0 ? (
            <>
              {open.error && !open.data && <ErrorState message="Older open orders could not be loaded." onRetry={() => void open.refetch()} />}
              <OpenOrdersTable portfolioId={portfolioId} orders={openOrders} steps={steps} onChanged={remember} onCancelledAll={() => setAllCancelled(true)} />
            </>
          ) : allCancelled ? (
            <Empty>No open orders.</Empty>
          ) : open.loading && !open.data ? (
            <Loading label="Loading open orders…" />
          ) : open.error && !open.data ? (
            <ErrorState message="Open orders could not be loaded." onRetry={() => void open.refetch()} />
          ) : (
            <Empty>No open orders.</Empty>
          )
        ) : tab === "history" ? (
          <OrderHistory portfolioId={portfolioId} symbols={Object.keys(steps)} tickSizes={tickSizes} />
        ) : fills.loading && !fills.data && liveFills.length === 0 ? (
          <Loading label="Loading fills…" />
        ) : fills.error && !fills.data ? (
          <ErrorState message="Fills could not be loaded." onRetry={() => void fills.refetch()} />
        ) : allFills.length === 0 ? (
          <Empty>No fills yet.</Empty>
        ) : (
          <FillsTable fills={allFills} tickSizes={tickSizes} />
        )}
      </div>
    </section>
  );
}

function FillsTable({ fills, tickSizes }: { fills: readonly FillFieldsFragment[]; tickSizes: Readonly<Record<string, string>> }) {
  return (
    <div className="table-scroll">
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
          {fills.map((f) => (
            <tr key={f.id} data-fill-id={f.id} data-order-id={f.orderId}>
              <td>{new Date(f.executedAt).toLocaleTimeString()}</td>
              <td>{f.symbol}</td>
              <td className={f.side === "BUY" ? "up" : "down"}>{f.side.toLowerCase()}</td>
              <td className="num">{f.quantity}</td>
              <td className="num">{formatPrice(f.price, tickSizes[f.symbol])}</td>
              <td className="num">{formatMoney(f.fee)}</td>
              <td>{f.liquidity.toLowerCase()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
