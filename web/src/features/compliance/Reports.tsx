import { type FormEvent, useState } from "react";
import { FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { type ReportFormat, type ReportType, useRegulatoryReportContentLazyQuery, useRegulatoryReportQuery } from "../../gql/graphql";
import { formatMoney } from "../../lib/decimal";
import { errorMessage } from "../../lib/errors";
import { personName } from "./case-rules";
import { downloadText, REPORT_FILES, reportPeriod } from "./report-period";
import { IdentityCells, IdentityHeaders, type IdentityView } from "./CustomerIdentity";

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** CTR and SAR filings for a period, on screen and as CSV, XML or JSON files rendered by the server. */
export function Reports() {
  const now = new Date();
  const [draft, setDraft] = useState({ type: "CTR" as ReportType, from: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))), to: isoDay(now) });
  const [shown, setShown] = useState<{ type: ReportType; from: string; to: string } | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const { data, loading, error, refetch } = useRegulatoryReportQuery({ variables: shown ?? { type: "CTR", from: "", to: "" }, skip: !shown, fetchPolicy: "network-only" });
  const [fetchContent, content] = useRegulatoryReportContentLazyQuery({ fetchPolicy: "network-only" });

  function show(event: FormEvent) {
    event.preventDefault();
    const period = reportPeriod(draft.from, draft.to);
    if ("error" in period) return setInvalid(period.error);
    setInvalid(null);
    setShown({ type: draft.type, ...period });
  }

  async function download(format: ReportFormat) {
    if (!shown) return;
    setDownloadError(null);
    try {
      const { data: file } = await fetchContent({ variables: { ...shown, format } });
      if (!file) throw new Error("no report");
      const { extension, mime } = REPORT_FILES[format];
      downloadText(file.report.content, `${shown.type.toLowerCase()}-${shown.from.slice(0, 10)}-${shown.to.slice(0, 10)}.${extension}`, mime);
    } catch (e) {
      setDownloadError(errorMessage(e, "The report file could not be made. Try again."));
    }
  }

  const report = data?.report;
  const filings = report ? (report.type === "CTR" ? report.ctrFilings.length : report.sarFilings.length) : 0;
  return (
    <div className="stack">
      <form className="row align-end" onSubmit={show} aria-label="Report period">
        <label className="field">
          <span>Report</span>
          <select value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value as ReportType })}>
            <option value="CTR">Currency transaction reports (CTR)</option>
            <option value="SAR">Suspicious activity reports (SAR)</option>
          </select>
        </label>
        <label className="field">
          <span>From</span>
          <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label className="field">
          <span>To (inclusive)</span>
          <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit" className="primary">
          Show filings
        </button>
      </form>
      <FormError message={invalid} />
      {!shown ? (
        <Empty>Pick a report and a period (UTC days).</Empty>
      ) : loading && !report ? (
        <Loading label="Generating the report…" />
      ) : error && !report ? (
        <ErrorState message={errorMessage(error, "The report could not be generated.")} onRetry={() => void refetch()} />
      ) : report ? (
        <section className="stack" data-testid="report">
          <div className="row spread">
            <span>
              <strong data-testid="report-count">{filings}</strong> {report.type} filing{filings === 1 ? "" : "s"} from {report.periodStart.slice(0, 10)} to before {report.periodEnd.slice(0, 10)}
            </span>
            <div className="row" role="group" aria-label="Download">
              {(["CSV", "XML", "JSON"] as const).map((format) => (
                <button key={format} type="button" disabled={content.loading} onClick={() => void download(format)}>
                  Download {format}
                </button>
              ))}
            </div>
          </div>
          <FormError message={downloadError} />
          {!filings ? <Empty>No {report.type} filing in this period.</Empty> : report.type === "CTR" ? <CtrTable filings={report.ctrFilings} /> : <SarTable filings={report.sarFilings} />}
        </section>
      ) : null}
    </div>
  );
}

type CtrRow = { userId: string; customer?: { firstName: string; lastName: string } | null; identity?: IdentityView | null; businessDate: string; totalCashIn: string; totalCashOut: string; transactionIds: readonly string[] };
function CtrTable({ filings }: { filings: readonly CtrRow[] }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th scope="col">Business day</th>
          <th scope="col">Customer</th>
          <IdentityHeaders />
          <th scope="col" className="num">Cash in</th>
          <th scope="col" className="num">Cash out</th>
          <th scope="col" className="num">Transactions</th>
        </tr>
      </thead>
      <tbody>
        {filings.map((f) => (
          <tr key={`${f.userId}-${f.businessDate}`}>
            <td>{f.businessDate}</td>
            <td title={f.userId}>{personName(f.customer, f.userId)}</td>
            <IdentityCells identity={f.identity} />
            <td className="num">{formatMoney(f.totalCashIn)}</td>
            <td className="num">{formatMoney(f.totalCashOut)}</td>
            <td className="num">{f.transactionIds.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type SarRow = { id: string; sarNumber: string | null; userId: string; rule: string; riskScore: number; createdAt: string };
function SarTable({ filings }: { filings: readonly SarRow[] }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th scope="col">SAR number</th>
          <th scope="col">Rule</th>
          <th scope="col" className="num">Risk</th>
          <th scope="col">Customer</th>
          <th scope="col">Flagged</th>
        </tr>
      </thead>
      <tbody>
        {filings.map((f) => (
          <tr key={f.id}>
            <td>{f.sarNumber}</td>
            <td>
              <code>{f.rule}</code>
            </td>
            <td className="num">{f.riskScore}</td>
            <td>
              <code title={f.userId}>{f.userId.slice(0, 8)}</code>
            </td>
            <td>{new Date(f.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
