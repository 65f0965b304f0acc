import { Field } from "../../components/ui/Field";
import { OrderType, TimeInForce } from "../../gql/graphql";
import { mayRest, needsLimitPrice, needsStopPrice, needsTrail, type Steps, type TicketErrors, type TicketValues, timeInForceChoices } from "./ticket-rules";

const TYPE_LABELS: Record<OrderType, string> = { MARKET: "Market", LIMIT: "Limit", STOP: "Stop", STOP_LIMIT: "Stop limit", TRAILING_STOP: "Trailing stop" };
const TICKET_TYPES = [OrderType.Market, OrderType.Limit, OrderType.Stop, OrderType.StopLimit, OrderType.TrailingStop];
const TIF_LABELS: Record<TimeInForce, string> = { GTC: "Good till cancelled", DAY: "Day", IOC: "Immediate or cancel", FOK: "Fill or kill", GTD: "Good till date" };

/** The ticket's inputs: only those the chosen type and time in force take. */
export function TicketFields({
  values,
  errors,
  steps,
  set,
}: {
  values: TicketValues;
  errors: TicketErrors;
  steps: Steps;
  set: <K extends keyof TicketValues>(key: K, value: TicketValues[K]) => void;
}) {
  return (
    <>
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
      {values.timeInForce === TimeInForce.Gtd && (
        <Field label="Expires at" name="expiresAt" type="datetime-local" value={values.expiresAt} onChange={(e) => set("expiresAt", e.target.value)} error={errors.expiresAt} hint="Your local time" />
      )}
      <Field label="Quantity" name="quantity" inputMode="decimal" value={values.quantity} onChange={(e) => set("quantity", e.target.value)} error={errors.quantity} hint={`Lot ${steps.lotSize}`} />
      {needsStopPrice(values.type) && (
        <Field label="Stop price" name="stopPrice" inputMode="decimal" value={values.stopPrice} onChange={(e) => set("stopPrice", e.target.value)} error={errors.stopPrice} hint={`Tick ${steps.tickSize}`} />
      )}
      {needsLimitPrice(values.type) && (
        <Field label="Limit price" name="limitPrice" inputMode="decimal" value={values.limitPrice} onChange={(e) => set("limitPrice", e.target.value)} error={errors.limitPrice} hint={`Tick ${steps.tickSize}`} />
      )}
      {needsTrail(values.type) && (
        <div className="row align-end">
          <label className="field">
            <span>Trail by</span>
            <select aria-label="Trail by" value={values.trailBy} onChange={(e) => set("trailBy", e.target.value as TicketValues["trailBy"])}>
              <option value="amount">Price amount</option>
              <option value="percent">Percent</option>
            </select>
          </label>
          <Field
            label={values.trailBy === "amount" ? "Trail amount" : "Trail percent"}
            name="trail"
            inputMode="decimal"
            value={values.trail}
            onChange={(e) => set("trail", e.target.value)}
            error={errors.trail}
            hint={values.trailBy === "amount" ? `Tick ${steps.tickSize}` : "5 means 5%"}
          />
        </div>
      )}
      {mayRest(values) && (
        <>
          <Field
            label="Show in the book (iceberg)"
            name="displayQuantity"
            inputMode="decimal"
            value={values.displayQuantity}
            onChange={(e) => set("displayQuantity", e.target.value)}
            error={errors.displayQuantity}
            hint="Empty shows all of it"
          />
          <label className="check">
            <input type="checkbox" checked={values.postOnly} onChange={(e) => set("postOnly", e.target.checked)} />
            Post only (cancelled rather than taking liquidity)
          </label>
        </>
      )}
    </>
  );
}
