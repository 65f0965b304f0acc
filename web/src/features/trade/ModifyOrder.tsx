import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { type AmendOrderInput, type OrderFieldsFragment, OrderStatus, OrderType, useAmendOrderMutation } from "../../gql/graphql";
import { compareDecimal, isDecimal, isMultipleOf } from "../../lib/decimal";
import { orderErrorWords } from "./order-errors";

type Draft = { quantity: string; limitPrice: string; stopPrice: string; trail: string };
type Steps = { tickSize: string; lotSize: string };

/**
 * Amends a working order in place: a new total quantity (what has filled included), a new limit
 * or stop price, a new trail. Only what changed is sent. A smaller quantity keeps the order's
 * place in the queue; a new price or a larger quantity sends it to the back, as the server does.
 */
export function ModifyOrder({ order, steps, onDone }: { order: OrderFieldsFragment; steps?: Steps; onDone: (order: OrderFieldsFragment | null) => void }) {
  const trailBy = order.trailPercent ? "percent" : "amount";
  const [draft, setDraft] = useState<Draft>({
    quantity: order.quantity,
    limitPrice: order.limitPrice ?? "",
    stopPrice: order.stopPrice ?? "",
    trail: order.trailPercent ?? order.trailAmount ?? "",
  });
  const [errors, setErrors] = useState<Partial<Draft>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [amend, { loading }] = useAmendOrderMutation();
  const stopEditable = order.stopPrice !== null && order.status === OrderStatus.PendingTrigger && order.type !== OrderType.TrailingStop;

  function check(): Partial<Draft> {
    const found: Partial<Draft> = {};
    const q = draft.quantity.trim();
    if (!isDecimal(q) || compareDecimal(q, "0") <= 0) found.quantity = "Enter the new total quantity";
    else if (steps && !isMultipleOf(q, steps.lotSize)) found.quantity = `Quantity must be a multiple of the lot size ${steps.lotSize}`;
    else if (compareDecimal(q, order.filledQuantity) < 0) found.quantity = `${order.filledQuantity} has already filled: the quantity cannot go below it`;
    for (const field of ["limitPrice", "stopPrice"] as const) {
      const v = draft[field].trim();
      if (order[field] === null || !v) continue;
      if (!isDecimal(v) || compareDecimal(v, "0") <= 0) found[field] = "Enter a price greater than zero";
      else if (steps && !isMultipleOf(v, steps.tickSize)) found[field] = `The price must be on the tick size ${steps.tickSize}`;
    }
    return found;
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) return;
    const input: AmendOrderInput = { orderId: order.id };
    const changed = (now: string, before: string | null | undefined) => before != null && now.trim() !== "" && compareDecimal(now.trim(), before) !== 0;
    if (changed(draft.quantity, order.quantity)) input.quantity = draft.quantity.trim();
    if (changed(draft.limitPrice, order.limitPrice)) input.limitPrice = draft.limitPrice.trim();
    if (stopEditable && changed(draft.stopPrice, order.stopPrice)) input.stopPrice = draft.stopPrice.trim();
    const trailBefore = trailBy === "percent" ? order.trailPercent : order.trailAmount;
    if (changed(draft.trail, trailBefore)) input[trailBy === "percent" ? "trailPercent" : "trailAmount"] = draft.trail.trim();
    if (Object.keys(input).length === 1) {
      setServerError("Nothing changed: change the quantity, a price or the trail.");
      return;
    }
    try {
      const { data } = await amend({ variables: { input } });
      onDone(data?.amendOrder ?? null);
    } catch (e) {
      setServerError(orderErrorWords(e));
    }
  }

  const field = (key: keyof Draft, label: string) => (
    <Field label={label} name={`${key}-${order.id}`} inputMode="decimal" value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} error={errors[key]} />
  );
  return (
    <form className="stack modify" onSubmit={(e) => void save(e)} aria-label={`Modify order ${order.symbol}`} noValidate data-testid="modify-order">
      <div className="row align-end">
        {field("quantity", "New total quantity")}
        {order.limitPrice !== null && field("limitPrice", "Limit price")}
        {stopEditable && field("stopPrice", "Stop price")}
        {order.type === OrderType.TrailingStop && field("trail", trailBy === "percent" ? "Trail percent" : "Trail amount")}
      </div>
      <p className="hint">A smaller quantity keeps the order's place in the queue; a new price or a larger quantity sends it to the back.</p>
      <FormError message={serverError} />
      <div className="row">
        <button type="button" onClick={() => onDone(null)}>
          Keep as is
        </button>
        <button type="submit" className="primary" disabled={loading}>
          {loading ? "Saving…" : "Save changes"}
        </button>
      </div>
    </form>
  );
}
