import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { OrderSide, OrderStatus, OrderType, TimeInForce, usePlaceOrderMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";
import { needsLimitPrice, needsStopPrice, type TicketErrors, type TicketValues, timeInForceChoices, validateTicket } from "./ticket-rules";

export interface TicketInstrument {
  symbol: string;
  tickSize: string;
  lotSize: string;
  isTradable: boolean;
}

const TYPE_LABELS: Record<OrderType, string> = { MARKET: "Market", LIMIT: "Limit", STOP: "Stop", STOP_LIMIT: "Stop limit", TRAILING_STOP: "Trailing stop" };
/** The types this ticket has fields for (a trailing stop's trail is not on the ticket yet). */
const TICKET_TYPES = [OrderType.Market, OrderType.Limit, OrderType.Stop, OrderType.StopLimit];
const TIF_LABELS: Record<TimeInForce, string> = { GTC: "Good till cancelled", DAY: "Day", IOC: "Immediate or cancel", FOK: "Fill or kill", GTD: "Good till date" };

/** Every order type and time in force, checked against tick and lot before it is sent. */
export function OrderTicket({ instrument, portfolioId }: { instrument: TicketInstrument; portfolioId: string }) {
  const [side, setSide] = useState<OrderSide>(OrderSide.Buy);
  const [values, setValues] = useState<TicketValues>({ type: OrderType.Limit, timeInForce: TimeInForce.Gtc, quantity: "", limitPrice: "", stopPrice: "" });
  const [touched, setTouched] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [place, { loading }] = usePlaceOrderMutation();
  const errors: TicketErrors = touched ? validateTicket(values, instrument) : {};

  const set = <K extends keyof TicketValues>(key: K, value: TicketValues[K]) => {
    setServerError(null);
    setValues((previous) => {
      const next = { ...previous, [key]: value };
      // A new type starts from its usual time in force: IOC for market orders, GTC for the rest.
      if (key === "type") next.timeInForce = timeInForceChoices(next.type)[0];
      return next;
    });
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(validateTicket(values, instrument)).length > 0) return;
    setServerError(null);
    try {
      const { data } = await place({
        variables: {
          input: {
            portfolioId,
            symbol: instrument.symbol,
            side,
            type: values.type,
            timeInForce: values.timeInForce,
            quantity: values.quantity.trim(),
            limitPrice: needsLimitPrice(values.type) ? values.limitPrice.trim() : undefined,
            stopPrice: needsStopPrice(values.type) ? values.stopPrice.trim() : undefined,
            clientOrderId: crypto.randomUUID(),
          },
        },
      });
      const order = data?.placeOrder;
      if (!order) return;
      if (order.status === OrderStatus.Rejected) {
        setServerError(order.rejectReason ?? "The order was rejected.");
        return;
      }
      // Fills are announced by the shell's fill toasts as they arrive; this says what happened otherwise.
      const what = `${order.side === OrderSide.Buy ? "Buy" : "Sell"} ${order.quantity} ${order.symbol}`;
      if (order.status === OrderStatus.Cancelled) toast("info", "Order cancelled unfilled", what);
      else if (order.status === OrderStatus.New || order.status === OrderStatus.PendingTrigger) toast("info", "Order accepted", what);
      setValues((previous) => ({ ...previous, quantity: "" }));
      setTouched(false);
    } catch (e) {
      // The server's reason: a tick or lot it caught, buying power, the price band, a halt.
      setServerError(errorMessage(e));
    }
  }

  return (
    <form className="stack ticket" onSubmit={(event) => void submit(event)} aria-label={`Order ticket for ${instrument.symbol}`} noValidate>
      <div className="segmented" role="group" aria-label="Side">
        {[OrderSide.Buy, OrderSide.Sell].map((s) => (
          <button key={s} type="button" aria-pressed={side === s} className={side === s ? `active ${s === OrderSide.Buy ? "buy" : "sell"}` : undefined} onClick={() => setSide(s)}>
            {s === OrderSide.Buy ? "Buy" : "Sell"}
          </button>
        ))}
      </div>
      <div className="row">
        <label className="field">
          <span>Type</span>
          <select aria-label="Order type" value={values.type} onChange={(e) => set("type", e.target.value as OrderType)}>
            {TICKET_TYPES.map((type) => (
              <option key={type} value={type}>
                {TYPE_LABELS[type]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Time in force</span>
          <select aria-label="Time in force" value={values.timeInForce} onChange={(e) => set("timeInForce", e.target.value as TimeInForce)}>
            {timeInForceChoices(values.type).map((tif) => (
              <option key={tif} value={tif}>
                {TIF_LABELS[tif]}
              </option>
            ))}
          </select>
          {errors.timeInForce && <small className="field-error" role="alert">{errors.timeInForce}</small>}
        </label>
      </div>
      <Field label="Quantity" name="quantity" inputMode="decimal" value={values.quantity} onChange={(e) => set("quantity", e.target.value)} error={errors.quantity} hint={`Lot ${instrument.lotSize}`} />
      {needsStopPrice(values.type) && (
        <Field label="Stop price" name="stopPrice" inputMode="decimal" value={values.stopPrice} onChange={(e) => set("stopPrice", e.target.value)} error={errors.stopPrice} hint={`Tick ${instrument.tickSize}`} />
      )}
      {needsLimitPrice(values.type) && (
        <Field label="Limit price" name="limitPrice" inputMode="decimal" value={values.limitPrice} onChange={(e) => set("limitPrice", e.target.value)} error={errors.limitPrice} hint={`Tick ${instrument.tickSize}`} />
      )}
      <FormError message={serverError} />
      <button type="submit" className={`primary ${side === OrderSide.Buy ? "buy" : "sell"}`} disabled={loading || !instrument.isTradable}>
        {!instrument.isTradable ? "Trading halted" : loading ? "Sending…" : `${side === OrderSide.Buy ? "Buy" : "Sell"} ${instrument.symbol}`}
      </button>
    </form>
  );
}
