/**
 * Time-weighted return of a portfolio from its stored value snapshots (docs/analytics.md).
 * Deposits and withdrawals are not returns: the growth is chain-linked over the sub-periods
 * between cash flows, each sub-period measured from the value just after one flow to the value
 * just before the next. Statistics, not money: floats are fine here.
 */

const DAY_MS = 86_400_000;

/** A stored valuation: the portfolio's total value at `time` (ms). */
export interface ValueSnapshot {
  time: number;
  value: number;
}

/** A deposit (amount > 0) or a withdrawal (amount < 0) at `time` (ms). */
export interface CashFlow {
  time: number;
  amount: number;
}

/** One UTC day: its start (ms), the time and value of its last snapshot, and the growth index (1 at the first day). */
export interface DailyPoint {
  day: number;
  time: number;
  value: number;
  index: number;
}

/**
 * One point per UTC day that has a snapshot, the day's value being its last snapshot. The first
 * day's value is the base (index 1); flows at or before it are history. A snapshot taken at the
 * same time as a flow or later includes the flow; the value just before a flow is the last
 * snapshot before it (or the value the previous flow left, when no snapshot came between). A
 * sub-period that starts at no value earns nothing: the next one starts at the value observed.
 */
export function timeWeightedDaily(snapshots: readonly ValueSnapshot[], flows: readonly CashFlow[]): DailyPoint[] {
  const sorted = [...snapshots].sort((a, b) => a.time - b.time);
  const dayEnds = new Set<ValueSnapshot>();
  for (let i = 0; i < sorted.length; i++) {
    const next = sorted[i + 1];
    if (!next || dayOf(next.time) !== dayOf(sorted[i].time)) dayEnds.add(sorted[i]);
  }
  const first = sorted.find((snapshot) => dayEnds.has(snapshot));
  if (!first) return [];
  const points: DailyPoint[] = [{ day: dayOf(first.time), time: first.time, value: first.value, index: 1 }];
  // At one instant the flow goes first: a snapshot at the flow's time includes it.
  const events = [
    ...flows.filter((flow) => flow.time > first.time).map((flow) => ({ time: flow.time, order: 0, flow })),
    ...sorted.filter((snapshot) => snapshot.time > first.time).map((snapshot) => ({ time: snapshot.time, order: 1, snapshot })),
  ].sort((a, b) => a.time - b.time || a.order - b.order);
  let linked = 1;
  let base = first.value;
  let last = first.value;
  for (const event of events) {
    if ("flow" in event) {
      linked *= growth(base, last);
      base = last + event.flow!.amount;
      last = base;
      continue;
    }
    const snapshot = event.snapshot!;
    if (base <= 0) base = snapshot.value;
    last = snapshot.value;
    if (dayEnds.has(snapshot)) points.push({ day: dayOf(snapshot.time), time: snapshot.time, value: snapshot.value, index: linked * growth(base, last) });
  }
  return points;
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const growth = (base: number, value: number) => (base > 0 ? value / base : 1);
