import { useEffect, useRef, useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { usePortfolioTransactionsQuery } from "../../gql/graphql";
import { formatMoney } from "../../lib/decimal";

// Ten rows keep a page well inside the per-user query-cost budget (every field costs a point).
const PAGE = 10;

// Cash in (deposits, sells) shows with a plus, cash out (buys, withdrawals, fees) with a minus.
// A fill's fee is its own FEE row (the server books one per fill), so a trade row shows its
// notional only and the fee is never counted twice.
const INFLOWS: ReadonlySet<string> = new Set(["DEPOSIT", "SELL"]);
const signedAmount = (type: string, amount: string) => `${INFLOWS.has(type) ? "+" : "−"}${formatMoney(amount.replace(/^-/, ""))}`;

/** Newest first, a page at a time, with the cursors of earlier pages kept for going back. */
/** `version` changes when the portfolio has new activity (a deposit, a fill): the page reloads. */
export function TransactionHistory({ portfolioId, version }: { portfolioId: string; version: number }) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1];
  const { data, loading, error, refetch } = usePortfolioTransactionsQuery({
    variables: { id: portfolioId, first: PAGE, after },
    fetchPolicy: "cache-and-network",
  });
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current === version) return;
    seen.current = version;
    void refetch();
  }, [version, refetch]);
  const page = data?.portfolio?.transactions;
  if (loading && !page) return <Loading label="Loading transactions…" />;
  if (error && !page) return <ErrorState message="Transactions could not be loaded." onRetry={() => void refetch()} />;
  if (!page || page.edges.length === 0) return <Empty>No transactions yet.</Empty>;
  return (
    <div className="stack">
      <table className="grid" data-testid="transactions">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Symbol</th>
            <th scope="col" className="num">Quantity</th>
            <th scope="col" className="num">Price</th>
            <th scope="col" className="num">Amount</th>
          </tr>
        </thead>
        <tbody>
          {page.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>{new Date(node.createdAt).toLocaleString()}</td>
              <td>{node.type.toLowerCase()}</td>
              <td>{node.symbol ?? "—"}</td>
              <td className="num">{node.quantity ?? "—"}</td>
              <td className="num">{node.price ?? "—"}</td>
              <td className={`num ${INFLOWS.has(node.type) ? "amount-in" : "amount-out"}`} data-testid="amount">
                {signedAmount(node.type, node.totalAmount)} {node.currency}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row spread">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, page.pageInfo.endCursor])}>
          Older
        </button>
      </div>
    </div>
  );
}
