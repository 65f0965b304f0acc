import { useState } from "react";
import { Link } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useAnalyticsPortfoliosQuery } from "../../gql/graphql";
import { formatMoney } from "../../lib/decimal";
import type { Subject } from "./SubjectResult";

const PAGE = 20;

/** Every portfolio, read-only and pseudonymous (each page read is audited on the server). */
export function PortfolioList({ onAnalyse }: { onAnalyse: (subject: Subject) => void }) {
  const [after, setAfter] = useState<string[]>([]);
  const { data, loading, error, refetch } = useAnalyticsPortfoliosQuery({ variables: { first: PAGE, after: after.at(-1) ?? null } });
  if (loading && !data) return <Loading label="Loading portfolios…" />;
  if (error && !data) return <ErrorState message="The portfolios could not be loaded." onRetry={() => void refetch()} />;
  const page = data!.allPortfolios;
  if (page.totalCount === 0) return <Empty>No portfolio yet.</Empty>;
  return (
    <div className="stack">
      <p className="muted">
        {page.totalCount} portfolios; owners' names are withheld and every read is recorded in the audit log.
      </p>
      <table className="grid" data-testid="all-portfolios">
        <thead>
          <tr>
            <th scope="col">Portfolio</th>
            <th scope="col" className="num">Total value</th>
            <th scope="col">Risk</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {page.edges.map(({ node }) => (
            <tr key={node.id} data-portfolio-id={node.id}>
              <th scope="row">
                <Link to={`/portfolios/${node.id}`}>{node.name}</Link>
              </th>
              <td className="num">
                {formatMoney(node.totalValue)} {node.currency}
              </td>
              <td>{node.riskLevel.toLowerCase()}</td>
              <td>
                <button type="button" onClick={() => onAnalyse({ kind: "portfolio", id: node.id, name: node.name })}>
                  Analyse <span className="sr-only">{node.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" disabled={after.length === 0} onClick={() => setAfter((pages) => pages.slice(0, -1))}>
          Previous
        </button>
        <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setAfter((pages) => [...pages, page.pageInfo.endCursor!])}>
          Next
        </button>
      </div>
    </div>
  );
}
