import { Field } from "../../components/ui/Field";
import { OrderClass, OrderType } from "../../gql/graphql";
import { type ClassErrors, type ClassValues, hasStopLoss, hasTakeProfit } from "./ticket-classes";

const CLASS_LABELS: Record<OrderClass, string> = {
  SIMPLE: "Single order",
  BRACKET: "Bracket (take profit and stop loss)",
  OTO: "OTO (one exit after the fill)",
  OCO: "OCO (one cancels the other)",
};
const CLASSES = [OrderClass.Simple, OrderClass.Bracket, OrderClass.Oto, OrderClass.Oco];

/** The order class and the prices of its other legs. */
export function ClassFields({
  values,
  errors,
  type,
  tickSize,
  set,
}: {
  values: ClassValues;
  errors: ClassErrors;
  type: OrderType;
  tickSize: string;
  set: <K extends keyof ClassValues>(key: K, value: ClassValues[K]) => void;
}) {
  const hint = `Tick ${tickSize}`;
  const price = (key: "takeProfit" | "stopLoss" | "stopLossLimit" | "ocoLimit" | "ocoStop", label: string, help = hint) => (
    <Field label={label} name={key} inputMode="decimal" value={values[key]} onChange={(e) => set(key, e.target.value)} error={errors[key]} hint={help} />
  );
  return (
    <>
      <label className="field">
        <span>Order class</span>
        <select aria-label="Order class" value={values.orderClass} onChange={(e) => set("orderClass", e.target.value as OrderClass)}>
          {CLASSES.map((c) => (
            <option key={c} value={c}>
              {CLASS_LABELS[c]}
            </option>
          ))}
        </select>
        {errors.orderClass && (
          <small className="field-error" role="alert">
            {errors.orderClass}
          </small>
        )}
      </label>
      {values.orderClass === OrderClass.Oto && (
        <label className="field">
          <span>Exit after the fill</span>
          <select aria-label="Exit after the fill" value={values.otoLeg} onChange={(e) => set("otoLeg", e.target.value as ClassValues["otoLeg"])}>
            <option value="takeProfit">Take profit (limit)</option>
            <option value="stopLoss">Stop loss (stop)</option>
          </select>
        </label>
      )}
      {hasTakeProfit(values) && price("takeProfit", "Take-profit price")}
      {hasStopLoss(values) && (
        <div className="row align-end">
          {price("stopLoss", "Stop-loss price")}
          {price("stopLossLimit", "Stop-loss limit (optional)", "Empty: sells at market once triggered")}
        </div>
      )}
      {values.orderClass === OrderClass.Oco &&
        (type === OrderType.Limit ? (
          <div className="row align-end">
            {price("ocoStop", "Other order's stop price")}
            {price("ocoLimit", "Other order's limit (optional)", "Empty: a stop; given: a stop limit")}
          </div>
        ) : (
          price("ocoLimit", "Other order's limit price")
        ))}
    </>
  );
}
