import type { CustomerQuery } from "../../gql/graphql";

type Behaviour = CustomerQuery["customer"]["behaviour"];

/** From this robust z-score a feature is named in the explanation (the server's EXPLAIN_Z). */
const UNUSUAL_Z = 3;

const format = (name: string, value: number) => {
  if (name.endsWith("Share")) return `${(value * 100).toFixed(0)}%`;
  if (name.endsWith("Amount") || name === "tradeNotional") return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
};

/**
 * The customer's behaviour against everyone else's over the window: the anomaly score, why, and
 * each feature with its robust z-score (how many robust deviations from the typical customer).
 */
export function BehaviourPanel({ behaviour }: { behaviour: Behaviour }) {
  return (
    <section className="stack" aria-label="Behaviour">
      <h2>Behaviour over {behaviour.windowDays} days</h2>
      <p>
        Anomaly score <strong data-testid="behaviour-score">{behaviour.anomalyScore.toFixed(1)}</strong>{" "}
        <span className="muted">(computed {new Date(behaviour.computedAt).toLocaleString()})</span>
      </p>
      <ol data-testid="behaviour-explanation">
        {behaviour.explanation.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ol>
      <table className="grid" data-testid="behaviour-features">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col" className="num">Value</th>
            <th scope="col" className="num">Robust z-score</th>
          </tr>
        </thead>
        <tbody>
          {behaviour.features.map((f) => (
            <tr key={f.name} data-unusual={f.zScore !== null && f.zScore !== undefined && f.zScore >= UNUSUAL_Z ? "true" : undefined}>
              <td>{f.name}</td>
              <td className="num">{format(f.name, f.value)}</td>
              <td className="num">{f.zScore === null || f.zScore === undefined ? <span title="The population has no spread in this feature">—</span> : f.zScore >= UNUSUAL_Z ? <strong>{f.zScore.toFixed(1)}</strong> : f.zScore.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
