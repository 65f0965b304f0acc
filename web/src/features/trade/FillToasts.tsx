import { useFillNotificationsSubscription } from "../../gql/graphql";
import { toast } from "../../lib/toast";

/** Mounted once in the shell while signed in: every fill and rejection of the user's orders, wherever they are in the app. */
export function FillToasts() {
  useFillNotificationsSubscription({
    onData: ({ data: event }) => {
      const update = event.data?.orderUpdates;
      if (!update) return;
      const { order, fill } = update;
      const side = order.side === "BUY" ? "Bought" : "Sold";
      if (fill) toast("success", `${side} ${fill.quantity} ${order.symbol} at ${fill.price}`, order.status === "FILLED" ? "Order filled" : "Partial fill");
      else if (order.status === "REJECTED") toast("error", `Order for ${order.symbol} rejected`, order.rejectReason ?? undefined);
    },
  });
  return null;
}
