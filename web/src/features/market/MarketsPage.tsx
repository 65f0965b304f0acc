import { InstrumentsTable } from "./InstrumentsTable";

export function MarketsPage() {
  return (
    <div className="stack">
      <h1>Markets</h1>
      <InstrumentsTable />
    </div>
  );
}
