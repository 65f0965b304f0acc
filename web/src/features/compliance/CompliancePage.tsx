import { useState } from "react";
import { ReviewQueue } from "./ReviewQueue";
import { Reports } from "./Reports";
import { ScreenName } from "./ScreenName";
import { Cases } from "./Cases";

const TABS = [
  ["review", "Review queue", ReviewQueue],
  ["cases", "Cases", Cases],
  ["screening", "Screening", ScreenName],
  ["reports", "Reports", Reports],
] as const;

/** The compliance officer's console: KYC reviews, AML cases, name screening, regulatory reports. */
export function CompliancePage() {
  const [tab, setTab] = useState<(typeof TABS)[number][0]>("review");
  const Panel = TABS.find(([id]) => id === tab)![2];
  return (
    <div className="stack">
      <h1>Compliance</h1>
      <div className="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        <Panel />
      </div>
    </div>
  );
}
