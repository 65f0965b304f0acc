import { Fragment, useState } from "react";
import { type OrderFieldsFragment, useCancelAllOrdersMutation, useCancelOrderMutation } from "../../gql/graphql";
import { toast } from "../../lib/toast";
import { ModifyOrder } from "./ModifyOrder";
import { orderErrorWords } from "./order-errors";
import { orderPrice, orderType } from "./order-format";

type Steps = Readonly<Record<string, { tickSize: string; lotSize: string }>>;

/** Working orders with Modify and Cancel on each, and Cancel all (after a confirmation). */
export function OpenOrdersTable({
  portfolioId,
  orders,
  steps,
  onChanged,
  onCancelledAll,
}: {
  portfolioId: string;
  orders: readonly OrderFieldsFragment[];
  steps: Steps;
  onChanged: (orders: readonly OrderFieldsFragment[]) => void;
  /** Everything was cancelled: nothing is open now, whatever the list had loaded. */
  onCancelledAll?: () => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [cancel] = useCancelOrderMutation();
  const [cancelAll, cancellingAll] = useCancelAllOrdersMutation();

  async function cancelOne(id: string) {
    try {
      const { data } = await cancel({ variables: { id } });
      if (data) onChanged([data.cancelOrder]);
    } catch (e) {
      toast("error", "The order could not be cancelled", orderErrorWords(e));
    }
  }

  async function cancelEverything() {
    try {
      const { data } = await cancelAll({ variables: { portfolioId } });
      setConfirmAll(false);
      if (data) {
        onChanged(data.cancelAllOrders);
        onCancelledAll?.();
        toast("info", `${data.cancelAllOrders.length} order${data.cancelAllOrders.length === 1 ? "" : "s"} cancelled`);
      }
    } catch (e) {
      toast("error", "The orders could not be cancelled", orderErrorWords(e));
    }
  }

  return (
    <div className="stack">
      <div className="row spread">
        <span className="muted">{orders.length} working</span>
        {confirmAll ? (
          <div className="row" role="group" aria-label="Confirm cancel all">
            <span>Cancel all {orders.length} open orders in this portfolio?</span>
            <button type="button" onClick={() => setConfirmAll(false)}>
              Keep them
            </button>
            <button type="button" className="danger" disabled={cancellingAll.loading} onClick={() => void cancelEverything()}>
              Yes, cancel all
            </button>
          </div>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirmAll(true)}>
            Cancel all
          </button>
        )}
      </div>
      <div className="table-scroll">
        <table className="grid" data-testid="open-orders">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">Price</th>
              <th scope="col" className="num">Filled / Qty</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <Fragment key={o.id}>
                <tr data-order-id={o.id} data-status={o.status}>
                  <td>{new Date(o.createdAt).toLocaleTimeString()}</td>
                  <td>{o.symbol}</td>
                  <td className={o.side === "BUY" ? "up" : "down"}>{o.side.toLowerCase()}</td>
                  <td>{orderType(o)}</td>
                  <td className="num">{orderPrice(o, steps[o.symbol]?.tickSize)}</td>
                  <td className="num" data-testid="filled">
                    {o.filledQuantity} / {o.quantity}
                  </td>
                  <td data-testid="status">{o.status.replace("_", " ").toLowerCase()}</td>
                  <td className="num actions">
                    <button type="button" aria-expanded={editing === o.id} onClick={() => setEditing(editing === o.id ? null : o.id)}>
                      Modify
                    </button>
                    <button type="button" className="danger" onClick={() => void cancelOne(o.id)}>
                      Cancel
                    </button>
                  </td>
                </tr>
                {editing === o.id && (
                  <tr>
                    <td colSpan={8}>
                      <ModifyOrder
                        order={o}
                        steps={steps[o.symbol]}
                        onDone={(amended) => {
                          setEditing(null);
                          if (amended) {
                            onChanged([amended]);
                            toast("info", "Order modified", `${amended.side === "BUY" ? "Buy" : "Sell"} ${amended.quantity} ${amended.symbol}`);
                          }
                        }}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
