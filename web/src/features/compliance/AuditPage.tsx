import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useAuditLogQuery, useVerifyAuditChainLazyQuery } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";

const PAGE = 25;

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

function AuditTable() {
  const { data, loading, error, refetch, fetchMore } = useAuditLogQuery({ variables: { first: PAGE }, fetchPolicy: "cache-and-network", notifyOnNetworkStatusChange: true });
  if (loading && !data) return <Loading label="Loading the audit log…" />;
  if (error && !data) return <ErrorState message="The audit log could not be loaded." onRetry={() => void refetch()} />;
  const edges = data?.auditLog.edges ?? [];
  if (!edges.length) return <Empty>No audit event yet.</Empty>;
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
              <td>{node.userId ? <code title={node.userId}>{node.userId.slice(0, 8)}</code> : <span className="muted">system</span>}</td>
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
