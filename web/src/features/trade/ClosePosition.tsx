import { useState } from "react";
import { FormError } from "../../components/ui/Field";
import { OrderSide, OrderStatus, OrderType, TimeInForce, usePlaceOrderMutation } from "../../gql/graphql";
import { toast } from "../../lib/toast";
import { orderErrorWords, orderWords } from "./order-errors";

/**
 * Closes a long position with one market order for its whole quantity, after a confirmation.
 * IOC: whatever the book cannot fill at once is cancelled rather than left working.
 */
export function ClosePosition({ portfolioId, symbol, quantity }: { portfolioId: string; symbol: string; quantity: string }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [place, { loading }] = usePlaceOrderMutation();

  async function close() {
    setError(null);
    try {
      const { data } = await place({
        variables: {
          input: { portfolioId, symbol, side: OrderSide.Sell, type: OrderType.Market, timeInForce: TimeInForce.Ioc, quantity, clientOrderId: crypto.randomUUID() },
        },
      });
      setConfirming(false);
      const order = data?.placeOrder;
      if (order?.status === OrderStatus.Rejected) setError(orderWords(order.rejectReason ?? "The order was rejected."));
      else if (order?.status === OrderStatus.Cancelled && order.filledQuantity === "0") toast("info", "Nothing to close against", `No bids for ${symbol}: the order was cancelled unfilled`);
    } catch (e) {
      setError(orderErrorWords(e));
    }
  }

  return (
    <div className="close-position" data-testid="close-position">
      {confirming ? (
        <div className="row" role="group" aria-label={`Confirm closing ${symbol}`}>
          <span>
            Sell {quantity} {symbol} at market?
          </span>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
          <button type="button" className="primary sell" disabled={loading} onClick={() => void close()}>
            {loading ? "Sending…" : `Sell ${quantity} ${symbol}`}
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Close position
        </button>
      )}
      <FormError message={error} />
    </div>
  );
}
