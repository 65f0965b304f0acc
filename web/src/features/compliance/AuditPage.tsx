import { type ChangeEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useAuditLogQuery, useVerifyAuditChainLazyQuery } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { personName } from "./case-rules";
import { type ChosenPerson, PersonPicker } from "./PersonPicker";

// An event with its person costs ~18 query points: fifteen keep the page within a third of the budget.
const PAGE = 15;

/** The tamper-evident audit trail, newest first, and a walk of the whole hash chain on demand. */
export function AuditPage() {
  return (
    <div className="stack">
      <h1>Audit log</h1>
      <VerifyChain />
      <AuditTable />
    </div>
  );
}

function VerifyChain() {
  const [verify, { data, loading, error }] = useVerifyAuditChainLazyQuery({ fetchPolicy: "network-only" });
  const result = data?.verifyAuditChain;
  return (
    <section className="card row spread" aria-label="Chain verification">
      <div data-testid="chain-result">
        {loading ? (
          <Loading label="Walking the chain…" />
        ) : error ? (
          <span className="down">{errorMessage(error, "The chain could not be verified.")}</span>
        ) : !result ? (
          <span className="muted">Each event's hash covers its content and the previous event's hash: one changed row breaks every link after it.</span>
        ) : result.valid ? (
          <span className="up">Chain intact: {result.checkedEvents.toLocaleString()} events verified.</span>
        ) : (
          <span className="down">
            Chain broken at event #{result.firstInvalidSeq} ({result.checkedEvents.toLocaleString()} events checked).
          </span>
        )}
      </div>
      <button type="button" className="primary" disabled={loading} onClick={() => void verify()}>
        Verify chain
      </button>
    </section>
  );
}

export interface AuditFilters {
  eventType: string;
  /** Who acted, chosen by name. */
  person: ChosenPerson | null;
  /** YYYY-MM-DD, whole UTC days: from the start of `from` to the end of `to`. */
  from: string;
  to: string;
}

/** The filters as the API takes them: exact event type, the chosen actor's id, and the half-open [from, to). */
export function auditVariables(filters: AuditFilters): { eventType?: string; userId?: string; from?: string; to?: string } | { error: string } {
  const userId = filters.person?.id;
  const from = filters.from ? `${filters.from}T00:00:00.000Z` : undefined;
  const to = filters.to ? new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined;
  if (from && to && !(from < to)) return { error: "The first day must not be after the last." };
  return { eventType: filters.eventType.trim() || undefined, userId: userId || undefined, from, to };
}

function AuditTable() {
  const [filters, setFilters] = useState<AuditFilters>({ eventType: "", person: null, from: "", to: "" });
  const [applied, setApplied] = useState<AuditFilters>(filters);
  const variables = auditVariables(applied);
  const invalid = "error" in variables ? variables.error : null;
  const { data, loading, error, refetch, fetchMore } = useAuditLogQuery({
    variables: { first: PAGE, ...("error" in variables ? {} : variables) },
    skip: invalid !== null,
    fetchPolicy: "cache-and-network",
    notifyOnNetworkStatusChange: true,
  });
  const set = (key: "eventType" | "from" | "to") => (e: ChangeEvent<HTMLInputElement>) => setFilters({ ...filters, [key]: e.target.value });
  return (
    <div className="stack">
      <form
        className="row align-end"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filters);
        }}
      >
        <Field label="Event type" name="eventType" placeholder="compliance.case_closed" value={filters.eventType} onChange={set("eventType")} />
        <PersonPicker label="User" value={filters.person} onChange={(person) => setFilters({ ...filters, person })} />
        <Field label="From (UTC day)" name="from" type="date" value={filters.from} onChange={set("from")} />
        <Field label="To (UTC day)" name="to" type="date" value={filters.to} onChange={set("to")} />
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      <FormError message={invalid} />
      {invalid ? null : <AuditRows data={data} loading={loading} error={error} refetch={refetch} fetchMore={fetchMore} />}
    </div>
  );
}

type AuditQuery = ReturnType<typeof useAuditLogQuery>;

function AuditRows({ data, loading, error, refetch, fetchMore }: Pick<AuditQuery, "data" | "loading" | "error" | "refetch" | "fetchMore">) {
  if (loading && !data) return <Loading label="Loading the audit log…" />;
  if (error && !data) return <ErrorState message="The audit log could not be loaded." onRetry={() => void refetch()} />;
  const edges = data?.auditLog.edges ?? [];
  if (!edges.length) return <Empty>No audit event matches.</Empty>;
  const page = data!.auditLog.pageInfo;
  return (
    <div className="stack">
      <table className="grid" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col" className="num">#</th>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Entity</th>
            <th scope="col">By</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {edges.map(({ node }) => (
            <tr key={node.seq}>
              <td className="num">{node.seq}</td>
              <td>{new Date(node.timestamp).toLocaleString()}</td>
              <td>
                <code>{node.eventType}</code>
              </td>
              <td>
                {node.entityType ?? "—"} {node.entityId && <code title={node.entityId}>{node.entityId.slice(0, 8)}</code>}
              </td>
              <td title={node.userId ?? undefined}>{node.userId ? personName(node.user, node.userId) : <span className="muted">system</span>}</td>
              <td>
                <code title={`prev ${node.prevHash}`}>{node.hash.slice(0, 12)}…</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.hasNextPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() =>
            void fetchMore({
              variables: { after: page.endCursor },
              updateQuery: (previous, { fetchMoreResult }) => ({ auditLog: { ...fetchMoreResult.auditLog, edges: [...previous.auditLog.edges, ...fetchMoreResult.auditLog.edges] } }),
            })
          }
        >
          Older events
        </button>
      )}
    </div>
  );
}
