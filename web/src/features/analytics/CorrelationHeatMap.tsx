import { heatColor, rgb } from "./analytics-math";

/** The correlation matrix as a table: every number is text, the colour only repeats it. */
export function CorrelationHeatMap({ symbols, matrix }: { symbols: string[]; matrix: number[][] }) {
  return (
    <table className="heatmap" data-testid="correlation-heatmap">
      <caption className="muted">Pearson correlation of daily returns (blue positive, red negative)</caption>
      <thead>
        <tr>
          <td />
          {symbols.map((symbol) => (
            <th key={symbol} scope="col">
              {symbol}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {symbols.map((row, i) => (
          <tr key={row}>
            <th scope="row">{row}</th>
            {matrix[i].map((value, j) => (
              <td key={symbols[j]} style={{ background: rgb(heatColor(value)) }} data-cell={`${row}/${symbols[j]}`}>
                {value.toFixed(2)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
