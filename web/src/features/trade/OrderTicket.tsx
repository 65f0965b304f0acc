import { type FormEvent, useState } from "react";
import { FormError } from "../../components/ui/Field";
import { OrderSide, OrderStatus, usePlaceOrderMutation, useTradeAccountQuery, useTradeQuoteSubscription } from "../../gql/graphql";
import { toast } from "../../lib/toast";
import { orderErrorWords, orderWords } from "./order-errors";
import { previewOrder } from "./order-preview";
import { ClassFields } from "./ClassFields";
import { OrderConfirm } from "./OrderConfirm";
import { type ClassErrors, type ClassValues, classInput, classSummary, EMPTY_CLASS, validateClass } from "./ticket-classes";
import { TicketFields } from "./TicketFields";
import { EMPTY_TICKET, orderInput, type TicketErrors, type TicketValues, timeInForceChoices, validateTicket } from "./ticket-rules";

export interface TicketInstrument {
  symbol: string;
  tickSize: string;
  lotSize: string;
  isTradable: boolean;
  lastPrice?: string | null;
}

const sideWord = (side: OrderSide) => (side === OrderSide.Buy ? "Buy" : "Sell");

/**
 * Every order type and time in force, checked against tick and lot, then previewed (what it may
 * cost or bring in, the fee, the buying power left) and sent only once the trader confirms.
 */
export function OrderTicket({ instrument, portfolioId }: { instrument: TicketInstrument; portfolioId: string }) {
  const [side, setSide] = useState<OrderSide>(OrderSide.Buy);
  const [values, setValues] = useState<TicketValues>(EMPTY_TICKET);
  const [classValues, setClassValues] = useState<ClassValues>(EMPTY_CLASS);
  const [touched, setTouched] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [place, { loading }] = usePlaceOrderMutation();
  const account = useTradeAccountQuery({ variables: { id: portfolioId }, fetchPolicy: "cache-first" });
  const quote = useTradeQuoteSubscription({ variables: { symbols: [instrument.symbol] } }).data?.quotes;
  const market = quote?.symbol === instrument.symbol ? quote : { last: instrument.lastPrice };
  const errors: TicketErrors = touched ? validateTicket(values, instrument) : {};
  const classErrors: ClassErrors = touched ? validateClass(classValues, values, side, instrument) : {};
  const setClass = <K extends keyof ClassValues>(key: K, value: ClassValues[K]) => {
    setServerError(null);
    setReviewing(false);
    setClassValues((previous) => ({ ...previous, [key]: value }));
  };

  const set = <K extends keyof TicketValues>(key: K, value: TicketValues[K]) => {
    setServerError(null);
    setReviewing(false);
    setValues((previous) => {
      const next = { ...previous, [key]: value };
      // A new type starts from its usual time in force: IOC for market orders, GTC for the rest.
      if (key === "type") next.timeInForce = timeInForceChoices(next.type)[0];
      return next;
    });
  };

  function review(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    setServerError(null);
    if (Object.keys(validateTicket(values, instrument)).length > 0 || Object.keys(validateClass(classValues, values, side, instrument)).length > 0) return;
    setReviewing(true);
  }

  async function send() {
    setServerError(null);
    try {
      const { data } = await place({
        variables: { input: { ...orderInput(values, { portfolioId, symbol: instrument.symbol, side, clientOrderId: crypto.randomUUID() }), ...classInput(classValues, values) } },
      });
      const order = data?.placeOrder;
      if (!order) return;
      setReviewing(false);
      if (order.status === OrderStatus.Rejected) {
        setServerError(orderWords(order.rejectReason ?? "The order was rejected."));
        return;
      }
      // Fills are announced by the shell's fill toasts as they arrive; this says what happened otherwise.
      const what = `${sideWord(order.side)} ${order.quantity} ${order.symbol}`;
      if (order.status === OrderStatus.Cancelled) toast("info", "Order cancelled unfilled", order.rejectReason ? `${what}: ${orderWords(order.rejectReason)}` : what);
      else if (order.status === OrderStatus.New || order.status === OrderStatus.PendingTrigger) toast("info", "Order accepted", what);
      setValues((previous) => ({ ...previous, quantity: "", displayQuantity: "" }));
      setTouched(false);
    } catch (e) {
      setReviewing(false);
      setServerError(orderErrorWords(e));
    }
  }

  const availableCash = account.data?.portfolio?.availableCash ?? "0";
  const preview = reviewing ? previewOrder(values, side, market, availableCash) : null;
  const action = `${sideWord(side)} ${instrument.symbol}`;

  return (
    <form className="stack ticket" onSubmit={review} aria-label={`Order ticket for ${instrument.symbol}`} noValidate>
      <div className="segmented" role="group" aria-label="Side">
        {[OrderSide.Buy, OrderSide.Sell].map((s) => (
          <button key={s} type="button" aria-pressed={side === s} className={side === s ? `active ${s === OrderSide.Buy ? "buy" : "sell"}` : undefined} onClick={() => (setSide(s), setReviewing(false))}>
            {sideWord(s)}
          </button>
        ))}
      </div>
      <TicketFields values={values} errors={errors} steps={instrument} set={set} />
      <ClassFields values={classValues} errors={classErrors} type={values.type} tickSize={instrument.tickSize} set={setClass} />
      <FormError message={serverError} />
      {reviewing ? (
        <OrderConfirm
          summary={`${action}: ${values.quantity.trim()} ${values.type.replace("_", " ").toLowerCase()}, ${values.timeInForce}`}
          detail={classSummary(classValues, values)}
          preview={preview}
          buy={side === OrderSide.Buy}
          action={action}
          sending={loading}
          onConfirm={() => void send()}
          onEdit={() => setReviewing(false)}
        />
      ) : (
        <button type="submit" className={`primary ${side === OrderSide.Buy ? "buy" : "sell"}`} disabled={!instrument.isTradable}>
          {instrument.isTradable ? `Review ${sideWord(side).toLowerCase()} order` : "Trading halted"}
        </button>
      )}
    </form>
  );
}
