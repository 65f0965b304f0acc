import { AreaSeries, createChart, type IChartApi, LineSeries, type Time } from "lightweight-charts";
import { type RefObject, useEffect, useRef } from "react";

/**
 * Daily line charts on lightweight-charts (the trade screen's library). Lazy-loaded with the
 * analytics screen's results. A canvas says nothing to a screen reader: each chart is an image
 * labelled with what it shows, and the numbers are in the metrics table beside it.
 */

export interface LinePoint {
  time: string;
  value: number;
}

// Series points are dates (YYYY-MM-DD): the chart's business-day axis, one point per UTC day.
const day = (iso: string) => iso.slice(0, 10) as Time;

function useChart(build: (chart: IChartApi) => void, deps: unknown[]) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    const chart = createChart(container.current, {
      autoSize: true,
      layout: { background: { color: "transparent" }, textColor: "#8b949e", panes: { separatorColor: "#2a313c" } },
      grid: { vertLines: { color: "#1f252e" }, horzLines: { color: "#1f252e" } },
      rightPriceScale: { borderColor: "#2a313c" },
      timeScale: { borderColor: "#2a313c" },
    });
    build(chart);
    chart.timeScale().fitContent();
    return () => chart.remove();
    // Rebuilt whenever the data changes: a result is a new chart, not an update of the last one.
  }, deps);
  return container;
}

/** Growth of 1 (the equity curve) with the drawdown underneath in its own pane. */
export function EquityChart({ equity, drawdown, label }: { equity: LinePoint[]; drawdown: LinePoint[]; label: string }) {
  const container = useChart(
    (chart) => {
      chart.addSeries(LineSeries, { color: "#2f81f7", lineWidth: 2, priceFormat: { type: "price", precision: 4, minMove: 0.0001 } }).setData(equity.map((p) => ({ time: day(p.time), value: p.value })));
      const under = chart.addSeries(AreaSeries, { lineColor: "#f85149", topColor: "rgba(248, 81, 73, 0.05)", bottomColor: "rgba(248, 81, 73, 0.4)", priceFormat: { type: "percent" } }, 1);
      under.setData(drawdown.map((p) => ({ time: day(p.time), value: -p.value * 100 })));
      chart.panes()[1]?.setStretchFactor(0.4);
    },
    [equity, drawdown],
  );
  return <ChartFigure container={container} label={label} testId="equity-chart" tall />;
}

/** One line, such as the rolling volatility. */
export function LineChart({ points, label, testId }: { points: LinePoint[]; label: string; testId: string }) {
  const container = useChart(
    (chart) => chart.addSeries(LineSeries, { color: "#d29922", lineWidth: 2, priceFormat: { type: "percent" } }).setData(points.map((p) => ({ time: day(p.time), value: p.value * 100 }))),
    [points],
  );
  return <ChartFigure container={container} label={label} testId={testId} />;
}

/**
 * A chart with its words for screen readers. Not role="img": lightweight-charts puts its
 * attribution link inside the chart, and an image may hold nothing interactive.
 */
function ChartFigure({ container, label, testId, tall = false }: { container: RefObject<HTMLDivElement | null>; label: string; testId: string; tall?: boolean }) {
  return (
    <figure className={tall ? "analytics-chart tall" : "analytics-chart"} data-testid={testId}>
      <figcaption className="sr-only">{label}</figcaption>
      <div ref={container} className="chart-canvas" />
    </figure>
  );
}
