/** The analysis window as the forms hold it: whole UTC days, both ends included. */
export interface AnalysisWindow {
  from: string;
  to: string;
  benchmark: string;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last year up to today. */
export const defaultWindow = (now = Date.now()): AnalysisWindow => ({ from: isoDay(now - 365 * DAY_MS), to: isoDay(now), benchmark: "" });

/** The server's [from, to): from the first day's midnight to the midnight after the last day. */
export const toRange = (window: AnalysisWindow) => ({
  from: `${window.from}T00:00:00.000Z`,
  to: new Date(Date.parse(`${window.to}T00:00:00.000Z`) + DAY_MS).toISOString(),
  benchmarkSymbol: window.benchmark || null,
});
