import { useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { type BookFieldsFragment, useOrderBookDepthQuery, useOrderBookLiveSubscription } from "../../gql/graphql";
import { compareDecimal, formatToStep } from "../../lib/decimal";

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
  const maxQuantity = [...book.bids, ...book.asks].reduce((max, level) => (compareDecimal(level.quantity, max) > 0 ? level.quantity : max), "0");
  // Depth bars are drawn to scale; a float is fine for a bar's width, never for the numbers shown.
  const width = (quantity: string) => `${Math.max(2, (Number(quantity) / Number(maxQuantity)) * 100)}%`;
  return (
    <table className="grid book" data-testid="order-book">
      <thead>
        <tr>
          <th scope="col" className="num">Bid qty</th>
          <th scope="col" className="num">Bid</th>
          <th scope="col" className="num">Ask</th>
          <th scope="col" className="num">Ask qty</th>
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: Math.max(book.bids.length, book.asks.length) }, (_, i) => {
          const bid = book.bids[i];
          const ask = book.asks[i];
          return (
            <tr key={i}>
              <td className="num depth">
                {bid && <span className="bar bid" style={{ width: width(bid.quantity) }} />}
                {bid?.quantity}
              </td>
              <td className="num up">{bid && formatToStep(bid.price, tickSize)}</td>
              <td className="num down">{ask && formatToStep(ask.price, tickSize)}</td>
              <td className="num depth">
                {ask && <span className="bar ask" style={{ width: width(ask.quantity) }} />}
                {ask?.quantity}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
