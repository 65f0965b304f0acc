import { histogram, percent } from "./analytics-math";

const WIDTH = 480;
const HEIGHT = 160;
const BINS = 20;

/** Distribution of the daily returns: plain SVG, each bar titled with its range and count. */
export function ReturnHistogram({ returns }: { returns: number[] }) {
  if (returns.length < 2) return <p className="state state-empty">Too few returns for a histogram.</p>;
  const bins = histogram(returns, BINS);
  const most = Math.max(...bins.map((b) => b.count));
  const barWidth = WIDTH / BINS;
  const summary = `Histogram of ${returns.length} daily returns from ${percent(bins[0].from)} to ${percent(bins[BINS - 1].to)}; the most frequent range holds ${most}.`;
  return (
    <figure className="histogram" data-testid="return-histogram">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 16}`} role="img" aria-label={summary}>
        {bins.map((bin, i) => {
          const height = most === 0 ? 0 : (bin.count / most) * HEIGHT;
          return (
            <rect key={i} x={i * barWidth + 1} y={HEIGHT - height} width={barWidth - 2} height={height} className={bin.to <= 0 ? "bar-down" : "bar-up"} data-count={bin.count}>
              <title>{`${percent(bin.from)} to ${percent(bin.to)}: ${bin.count}`}</title>
            </rect>
          );
        })}
        <text x={0} y={HEIGHT + 14} className="axis">
          {percent(bins[0].from)}
        </text>
        <text x={WIDTH} y={HEIGHT + 14} className="axis" textAnchor="end">
          {percent(bins[BINS - 1].to)}
        </text>
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
