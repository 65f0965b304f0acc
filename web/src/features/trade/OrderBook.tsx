import { useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { type BookFieldsFragment, useOrderBookDepthQuery, useOrderBookLiveSubscription } from "../../gql/graphql";
import { compareDecimal, formatStepGrouped, subtractDecimal, sumDecimals } from "../../lib/decimal";

const DEPTH = 10;

/** Aggregated depth: a snapshot to start, then the live snapshots (newer sequence wins). */
export function OrderBook({ symbol, tickSize }: { symbol: string; tickSize: string }) {
  const initial = useOrderBookDepthQuery({ variables: { symbol, depth: DEPTH }, fetchPolicy: "network-only" });
  const [live, setLive] = useState<BookFieldsFragment | null>(null);
  useOrderBookLiveSubscription({
    variables: { symbol, depth: DEPTH },
    onData: ({ data: event }) => {
      const book = event.data?.orderBook;
      if (book) setLive((previous) => (previous && previous.symbol === book.symbol && BigInt(previous.sequence) > BigInt(book.sequence) ? previous : book));
    },
  });
  const fromQuery = initial.data?.orderBook;
  const book = live?.symbol === symbol && (!fromQuery || BigInt(live.sequence) >= BigInt(fromQuery.sequence)) ? live : fromQuery;

  if (initial.loading && !book) return <Loading label="Loading the book…" />;
  if (initial.error && !book) return <ErrorState message="The order book could not be loaded." onRetry={() => void initial.refetch()} />;
  if (!book || (book.bids.length === 0 && book.asks.length === 0)) return <Empty>The book is empty.</Empty>;
  const bids = cumulate(book.bids);
  const asks = cumulate(book.asks);
  const deepest = [bids.at(-1)?.total ?? "0", asks.at(-1)?.total ?? "0"].reduce((max, total) => (compareDecimal(total, max) > 0 ? total : max), "0");
  // Depth bars are drawn to scale of the cumulative size; a float is fine for a bar's width, never for the numbers shown.
  const width = (total: string) => `${Math.max(2, (Number(total) / Number(deepest)) * 100)}%`;
  const spread = book.bids[0] && book.asks[0] ? subtractDecimal(book.asks[0].price, book.bids[0].price) : null;
  const mid = book.bids[0] && book.asks[0] ? (Number(book.asks[0].price) + Number(book.bids[0].price)) / 2 : null;
  return (
    <div className="stack">
      <p className="book-spread" data-testid="book-spread">
        Spread{" "}
        <strong>
          {spread ? formatStepGrouped(spread, tickSize) : "—"}
          {spread && mid ? ` (${((Number(spread) / mid) * 100).toFixed(3)}%)` : ""}
        </strong>
      </p>
      <div className="table-scroll">
        <table className="grid book" data-testid="order-book">
          <thead>
            <tr>
              <th scope="col" className="num">Bid total</th>
              <th scope="col" className="num">Bid qty</th>
              <th scope="col" className="num">Bid</th>
              <th scope="col" className="num">Ask</th>
              <th scope="col" className="num">Ask qty</th>
              <th scope="col" className="num">Ask total</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: Math.max(bids.length, asks.length) }, (_, i) => {
              const bid = bids[i];
              const ask = asks[i];
              return (
                <tr key={i}>
                  <td className="num depth">
                    {bid && <span className="bar bid" style={{ width: width(bid.total) }} />}
                    {bid?.total}
                  </td>
                  <td className="num">{bid?.quantity}</td>
                  <td className="num up">{bid && formatStepGrouped(bid.price, tickSize)}</td>
                  <td className="num down">{ask && formatStepGrouped(ask.price, tickSize)}</td>
                  <td className="num">{ask?.quantity}</td>
                  <td className="num depth">
                    {ask && <span className="bar ask" style={{ width: width(ask.total) }} />}
                    {ask?.total}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Each level with the size available up to and including it: what a sweep to that price would fill. */
function cumulate(levels: readonly { price: string; quantity: string }[]) {
  let total = "0";
  return levels.map((level) => {
    total = sumDecimals([total, level.quantity]);
    return { ...level, total };
  });
}
