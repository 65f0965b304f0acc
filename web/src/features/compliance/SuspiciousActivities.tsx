import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useSuspiciousActivitiesQuery } from "../../gql/graphql";

const PAGE = 25;

/** AML alerts and sanctions hits, newest first; paged by the last id seen. */
export function SuspiciousActivities() {
  const { data, loading, error, refetch, fetchMore } = useSuspiciousActivitiesQuery({ variables: { first: PAGE }, fetchPolicy: "cache-and-network", notifyOnNetworkStatusChange: true });
  if (loading && !data) return <Loading label="Loading suspicious activities…" />;
  if (error && !data) return <ErrorState message="Suspicious activities could not be loaded." onRetry={() => void refetch()} />;
  const rows = data?.suspiciousActivities ?? [];
  if (!rows.length) return <Empty>No suspicious activity has been flagged.</Empty>;
  const more = rows.length % PAGE === 0;
  return (
    <div className="stack">
      <table className="grid" data-testid="suspicious-activities">
        <thead>
          <tr>
            <th scope="col">Flagged</th>
            <th scope="col">Rule</th>
            <th scope="col" className="num">Risk</th>
            <th scope="col">SAR number</th>
            <th scope="col">Customer</th>
            <th scope="col">Status</th>
            <th scope="col">Narrative</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td>{new Date(a.createdAt).toLocaleString()}</td>
              <td>
                <code>{a.rule}</code>
              </td>
              <td className={`num ${a.riskScore >= 75 ? "down" : ""}`}>{a.riskScore}</td>
              <td>{a.sarNumber ?? <span className="muted">—</span>}</td>
              <td>
                <code title={a.userId}>{a.userId.slice(0, 8)}</code>
              </td>
              <td>{a.status.toLowerCase()}</td>
              <td className="narrative">{a.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && (
        <button
          type="button"
          disabled={loading}
          onClick={() =>
            void fetchMore({
              variables: { after: rows[rows.length - 1].id },
              updateQuery: (previous, { fetchMoreResult }) => ({ suspiciousActivities: [...previous.suspiciousActivities, ...fetchMoreResult.suspiciousActivities] }),
            })
          }
        >
          Older
        </button>
      )}
    </div>
  );
}
