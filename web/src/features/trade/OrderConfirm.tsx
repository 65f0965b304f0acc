import { direction, formatMoney } from "../../lib/decimal";
import type { OrderPreview } from "./order-preview";

/**
 * The confirmation step: what the order may cost (a buy) or bring in (a sell), the estimated fee
 * and the buying power it leaves. Nothing is sent until the trader presses the action.
 */
export function OrderConfirm({
  summary,
  detail,
  preview,
  buy,
  action,
  sending,
  onConfirm,
  onEdit,
}: {
  summary: string;
  /** What else the order brings: a bracket's exits, an OCO's other order. */
  detail?: string | null;
  preview: OrderPreview | null;
  buy: boolean;
  action: string;
  sending: boolean;
  onConfirm: () => void;
  onEdit: () => void;
}) {
  return (
    <section className="stack confirm" aria-label="Order preview" data-testid="order-preview">
      <p className="confirm-summary">{summary}</p>
      {detail && <p className="muted" data-testid="preview-class">{detail}</p>}
      {preview ? (
        <dl className="grid-2 preview">
          <dt>Price</dt>
          <dd className="num" data-testid="preview-price">
            {formatMoney(preview.price, Math.max(2, (preview.price.split(".")[1] ?? "").length))} <small className="muted">{preview.priceBasis}</small>
          </dd>
          <dt>{buy ? "Estimated cost" : "Estimated proceeds"}</dt>
          <dd className="num" data-testid="preview-notional">
            {formatMoney(preview.notional)}
          </dd>
          <dt>Estimated fee</dt>
          <dd className="num" data-testid="preview-fee">
            {formatMoney(preview.fee)}
          </dd>
          <dt>{buy ? "Total, fee included" : "Net of the fee"}</dt>
          <dd className="num" data-testid="preview-total">
            {formatMoney(preview.total)}
          </dd>
          <dt>Buying power after</dt>
          <dd className={`num ${direction(preview.buyingPowerAfter) === "down" ? "down" : ""}`} data-testid="preview-buying-power">
            {formatMoney(preview.buyingPowerAfter)}
          </dd>
        </dl>
      ) : (
        <p className="muted">No price to estimate from yet: the order fills at the market.</p>
      )}
      {preview && buy && direction(preview.buyingPowerAfter) === "down" && (
        <p className="form-error" role="alert">
          This may cost more than the {formatMoney(preview.availableCash)} you have available: the order is likely to be refused.
        </p>
      )}
      <div className="row">
        <button type="button" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className={`primary ${buy ? "buy" : "sell"}`} disabled={sending} onClick={onConfirm}>
          {sending ? "Sending…" : action}
        </button>
      </div>
    </section>
  );
}
