import { Link, useParams } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useCustomerQuery } from "../../gql/graphql";
import { formatMoney } from "../../lib/decimal";
import { errorMessage } from "../../lib/errors";
import { BehaviourPanel } from "./BehaviourPanel";
import { CasePanel } from "./CasePanel";
import { KycChecks, KycStatusBadge } from "./KycChecks";

/**
 * One customer's file for a compliance officer: identity, every KYC submission with its checks,
 * live screening matches, cases (workable here), behaviour against the population, CTR filings
 * and portfolios. The server audits
 * every opening of this page. Nothing here is ever shown to the customer.
 */
export function CustomerPage() {
  const { userId = "" } = useParams();
  const { data, loading, error, refetch } = useCustomerQuery({ variables: { userId }, fetchPolicy: "cache-and-network" });
  if (loading && !data) return <Loading label="Loading the customer's file…" />;
  if (error && !data) return <ErrorState message={errorMessage(error, "The customer's file could not be loaded.")} onRetry={() => void refetch()} />;
  const c = data!.customer;
  return (
    <div className="stack" data-testid="customer-file">
      <p>
        <Link to="/compliance">← Compliance</Link>
      </p>
      <h1>
        {c.user.firstName} {c.user.lastName}
      </h1>
      <section className="card" aria-label="Identity">
        <dl className="grid-2">
          <dt>Email</dt>
          <dd>{c.user.email}</dd>
          <dt>Country</dt>
          <dd>{c.user.country ?? "—"}</dd>
          <dt>KYC</dt>
          <dd>
            <KycStatusBadge status={c.user.kycStatus} testId="customer-kyc-status" />
          </dd>
          <dt>AML risk</dt>
          <dd data-testid="customer-risk">{c.user.amlRiskLevel?.toLowerCase() ?? "—"}</dd>
          <dt>Customer since</dt>
          <dd>{new Date(c.user.createdAt).toLocaleDateString()}</dd>
        </dl>
      </section>
      <section className="stack" aria-label="Cases">
        <h2>Cases</h2>
        {c.cases.length ? (
          c.cases.map((item) => (
            <div key={item.id} className="card">
              <CasePanel item={item} onChanged={() => void refetch()} />
            </div>
          ))
        ) : (
          <Empty>No case about this customer.</Empty>
        )}
      </section>
      <BehaviourPanel behaviour={c.behaviour} />
      <section className="stack" aria-label="Screening">
        <h2>Screening against the loaded lists</h2>
        {c.screeningMatches.length ? (
          <ul>
            {c.screeningMatches.map((m) => (
              <li key={`${m.listName}-${m.entryId}`}>
                {m.matchedName} ({m.listName} entry {m.entryId}), score {m.score.toFixed(3)}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No possible match on the loaded lists.</Empty>
        )}
      </section>
      <section className="stack" aria-label="KYC history">
        <h2>KYC history</h2>
        {c.kycHistory.length ? (
          c.kycHistory.map((v) => (
            <div key={v.id} className="card stack">
              <div className="row spread">
                <span>
                  {v.documentType.replace("_", " ").toLowerCase()} · <KycStatusBadge status={v.status} testId={`kyc-${v.id}`} />
                </span>
                <span className="muted">submitted {new Date(v.submittedAt).toLocaleString()}</span>
              </div>
              {v.reason && <p>{v.reason}</p>}
              <KycChecks checks={v.checks} />
            </div>
          ))
        ) : (
          <Empty>No KYC submission.</Empty>
        )}
      </section>
      <section className="stack" aria-label="CTR filings">
        <h2>Currency transaction reports</h2>
        {c.ctrFilings.length ? (
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Business day</th>
                <th scope="col" className="num">Cash in</th>
                <th scope="col" className="num">Cash out</th>
                <th scope="col" className="num">Transactions</th>
              </tr>
            </thead>
            <tbody>
              {c.ctrFilings.map((f) => (
                <tr key={f.businessDate}>
                  <td>{f.businessDate}</td>
                  <td className="num">{formatMoney(f.totalCashIn)}</td>
                  <td className="num">{formatMoney(f.totalCashOut)}</td>
                  <td className="num">{f.transactionIds.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No CTR filed.</Empty>
        )}
      </section>
      <section className="stack" aria-label="Portfolios">
        <h2>Portfolios</h2>
        {c.portfolios.length ? (
          <ul>
            {c.portfolios.map((p) => (
              <li key={p.id}>
                {p.name}: cash {formatMoney(p.cashBalance)}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>No portfolio.</Empty>
        )}
      </section>
    </div>
  );
}
