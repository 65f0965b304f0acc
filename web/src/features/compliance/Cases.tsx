import { Fragment, useState } from "react";
import { Link } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { CaseStatus, useCasesQuery } from "../../gql/graphql";
import { useSession } from "../../lib/session";
import { CasePanel } from "./CasePanel";
import { ageInDays, CLOSED_CASE_STATUSES, OPEN_CASE_STATUSES, personName, statusLabel } from "./case-rules";
import { IdentityCells, IdentityHeaders } from "./CustomerIdentity";

// A case with its notes and people costs ~40 query points: seven keep the page within a third of the budget.
const PAGE = 7;
const RULES = ["STRUCTURING", "RAPID_IN_OUT", "HIGH_RISK_JURISDICTION", "VELOCITY", "BEHAVIOURAL_ANOMALY", "SANCTIONS_MATCH"];
const STATUS_FILTERS: Record<string, readonly CaseStatus[] | undefined> = {
  open: OPEN_CASE_STATUSES as readonly CaseStatus[],
  closed: CLOSED_CASE_STATUSES as readonly CaseStatus[],
  all: undefined,
  ...Object.fromEntries(Object.values(CaseStatus).map((s) => [s, [s]])),
};

/** The case queue: rule hits grouped into cases, filtered by status, rule, assignee and age; a row opens its case. */
export function Cases() {
  const session = useSession();
  const [status, setStatus] = useState("open");
  const [rule, setRule] = useState("");
  const [mine, setMine] = useState(false);
  const [minAge, setMinAge] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const variables = { first: PAGE, status: STATUS_FILTERS[status] ? [...STATUS_FILTERS[status]!] : undefined, rule: rule || undefined, assigneeId: mine ? session?.user.id : undefined };
  const { data, loading, error, refetch, fetchMore } = useCasesQuery({ variables, fetchPolicy: "cache-and-network", notifyOnNetworkStatusChange: true });
  const connection = data?.suspiciousActivities;
  // Age filters what is loaded: the API has no age argument, and the oldest cases come last.
  const rows = (connection?.edges ?? []).map((e) => e.node).filter((c) => ageInDays(c.createdAt) >= minAge);

  return (
    <div className="stack">
      <form className="row" aria-label="Case filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">Being worked (open, under review, escalated)</option>
            <option value="closed">Decided (closed, SAR filed)</option>
            <option value="all">All</option>
            {Object.values(CaseStatus).map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule{" "}
          <select value={rule} onChange={(e) => setRule(e.target.value)}>
            <option value="">Any</option>
            {RULES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Assigned to me
        </label>
        <label>
          Age{" "}
          <select value={minAge} onChange={(e) => setMinAge(Number(e.target.value))}>
            <option value={0}>Any</option>
            <option value={1}>1 day or more</option>
            <option value={7}>7 days or more</option>
            <option value={30}>30 days or more</option>
          </select>
        </label>
      </form>
      {loading && !data ? (
        <Loading label="Loading cases…" />
      ) : error && !data ? (
        <ErrorState message="Cases could not be loaded." onRetry={() => void refetch()} />
      ) : !rows.length ? (
        <Empty>No case matches these filters.</Empty>
      ) : (
        <>
          <p className="muted" data-testid="case-count">
            {connection!.totalCount} case{connection!.totalCount === 1 ? "" : "s"}
          </p>
          <table className="grid" data-testid="cases">
            <thead>
              <tr>
                <th scope="col">Opened</th>
                <th scope="col">Customer</th>
                <IdentityHeaders />
                <th scope="col">Rule</th>
                <th scope="col" className="num">Risk</th>
                <th scope="col">Status</th>
                <th scope="col">Assignee</th>
                <th scope="col">SAR number</th>
                <th scope="col" className="num">Age (days)</th>
                <th scope="col">
                  <span className="sr-only">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <Fragment key={c.id}>
                  <tr data-case-row={c.id}>
                    <td>{new Date(c.createdAt).toLocaleString()}</td>
                    <td>
                      <Link to={`/compliance/customers/${c.userId}`}>{personName(c.customer, c.userId)}</Link>
                    </td>
                    <IdentityCells identity={c.identity} />
                    <td>
                      <code>{c.rule}</code>
                    </td>
                    <td className={`num ${c.riskScore >= 75 ? "down" : ""}`}>{c.riskScore}</td>
                    <td>{statusLabel(c.caseStatus)}</td>
                    <td>{c.assignee ? personName(c.assignee, c.assignee.id) : <span className="muted">—</span>}</td>
                    <td data-testid="case-sar">{c.sarNumber ?? <span className="muted">—</span>}</td>
                    <td className="num">{ageInDays(c.createdAt)}</td>
                    <td>
                      <button type="button" aria-expanded={openId === c.id} onClick={() => setOpenId(openId === c.id ? null : c.id)}>
                        {openId === c.id ? "Hide" : "Open"}
                      </button>
                    </td>
                  </tr>
                  {openId === c.id && (
                    <tr>
                      <td colSpan={11}>
                        {/* Updated in place from the mutation's answer: a decided case stays on screen until the queue reloads. */}
                        <CasePanel item={c} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
          {connection!.pageInfo.hasNextPage && (
            <button
              type="button"
              disabled={loading}
              onClick={() =>
                void fetchMore({
                  variables: { after: connection!.pageInfo.endCursor },
                  updateQuery: (previous, { fetchMoreResult }) => ({
                    suspiciousActivities: { ...fetchMoreResult.suspiciousActivities, edges: [...previous.suspiciousActivities.edges, ...fetchMoreResult.suspiciousActivities.edges] },
                  }),
                })
              }
            >
              Older
            </button>
          )}
        </>
      )}
    </div>
  );
}
