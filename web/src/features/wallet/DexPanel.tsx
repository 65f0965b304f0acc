import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useBlockNumber, usePublicClient } from "wagmi";
import { Field, FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { assetTokenAbi, orderBookDexAbi } from "../../lib/contracts/abis";
import { deployment } from "../../lib/contracts/deployments";
import { toast } from "../../lib/toast";
import { escrowOf, fromPricePerLot, lotsToQuantity, type PairUnits, toLots, toPricePerLot } from "./dex-units";
import { useChainSteps } from "./use-chain-tx";

const DEX = deployment.contracts.OrderBookDEX;
const QUOTE = deployment.tokens.dUSD;
/** Bounds the gas of one placement: the contract stops matching after this many resting orders. */
const MAX_FILLS = 20n;

const unitsOf = (pair: (typeof deployment.pairs)[number]): PairUnits => ({ lotSize: BigInt(pair.lotSize), minLots: BigInt(pair.minLots), baseDecimals: deployment.tokens[pair.symbol].decimals, quoteDecimals: QUOTE.decimals });

/** Limit orders on the on-chain order book: approve the escrow, place; the wallet's open orders with cancel. */
export function DexPanel({ address }: { address: `0x${string}` }) {
  const steps = useChainSteps();
  const [pairId, setPairId] = useState(deployment.pairs[0].pairId);
  const [isBuy, setIsBuy] = useState(true);
  const [errors, setErrors] = useState<{ quantity?: string; price?: string }>({});
  const pair = deployment.pairs.find((p) => p.pairId === pairId)!;
  const units = unitsOf(pair);
  const orders = useOpenOrders(address);

  async function place(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const lots = toLots(String(form.get("quantity") ?? ""), units);
    const price = toPricePerLot(String(form.get("price") ?? ""), units);
    setErrors({ quantity: lots.ok ? undefined : lots.error, price: price.ok ? undefined : price.error });
    if (!lots.ok || !price.ok) return;
    const escrow = escrowOf(isBuy, lots.value, price.value, units);
    const done = await steps.run([
      [`Approving ${isBuy ? "dUSD" : pair.symbol}…`, { address: isBuy ? pair.quote : pair.base, abi: assetTokenAbi, functionName: "approve", args: [DEX, escrow] }],
      ["Placing the order…", { address: DEX, abi: orderBookDexAbi, functionName: "placeOrder", args: [pair.pairId, isBuy, price.value, lots.value, MAX_FILLS, 0n] }],
    ]);
    if (done) {
      toast("success", `${isBuy ? "Buy" : "Sell"} order placed on the DEX`, `${lotsToQuantity(lots.value, units)} ${pair.symbol} at ${fromPricePerLot(price.value, units)} dUSD`);
      void orders.refetch();
    }
  }

  async function cancel(orderId: bigint) {
    const done = await steps.run([["Cancelling…", { address: DEX, abi: orderBookDexAbi, functionName: "cancelOrder", args: [orderId] }]]);
    if (done) {
      toast("success", `DEX order ${orderId} cancelled`);
      void orders.refetch();
    }
  }

  return (
    <section className="card stack" aria-labelledby="dex">
      <h2 id="dex">DEX orders</h2>
      <form className="stack" onSubmit={place} aria-label="DEX order" noValidate>
        <div className="row align-end">
          <label className="field">
            <span>Pair</span>
            <select value={pairId} onChange={(e) => setPairId(Number(e.target.value))}>
              {deployment.pairs.map((p) => (
                <option key={p.pairId} value={p.pairId}>
                  {p.symbol}/dUSD (lot {lotsToQuantity(1n, unitsOf(p))})
                </option>
              ))}
            </select>
          </label>
          <div className="segmented" role="group" aria-label="Side">
            <button type="button" className={isBuy ? "active buy" : ""} aria-pressed={isBuy} onClick={() => setIsBuy(true)}>
              Buy
            </button>
            <button type="button" className={!isBuy ? "active sell" : ""} aria-pressed={!isBuy} onClick={() => setIsBuy(false)}>
              Sell
            </button>
          </div>
        </div>
        <div className="row align-end">
          <Field label={`Quantity (${pair.symbol})`} name="quantity" inputMode="decimal" error={errors.quantity} />
          <Field label="Limit price (dUSD per token)" name="price" inputMode="decimal" error={errors.price} />
          <button type="submit" className={`primary ${isBuy ? "buy" : "sell"}`} disabled={steps.busy}>
            {steps.step ?? `${isBuy ? "Buy" : "Sell"} ${pair.symbol}`}
          </button>
        </div>
        <FormError message={steps.error} />
      </form>
      <h3>Open orders</h3>
      {orders.isPending ? (
        <Loading label="Reading your orders…" />
      ) : orders.error ? (
        <ErrorState message="Your DEX orders could not be read." onRetry={() => void orders.refetch()} />
      ) : !orders.data?.length ? (
        <Empty>No open order on the DEX.</Empty>
      ) : (
        <table className="grid" data-testid="dex-orders">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Pair</th>
              <th scope="col">Side</th>
              <th scope="col" className="num">Open quantity</th>
              <th scope="col" className="num">Price (dUSD)</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {orders.data.map((o) => {
              const p = deployment.pairs.find((x) => x.pairId === o.pairId);
              const u = p ? unitsOf(p) : units;
              return (
                <tr key={o.id.toString()} data-order-id={o.id.toString()}>
                  <td>#{o.id.toString()}</td>
                  <td>{p?.symbol ?? o.pairId}</td>
                  <td className={o.isBuy ? "up" : "down"}>{o.isBuy ? "buy" : "sell"}</td>
                  <td className="num">{lotsToQuantity(o.lots, u)}</td>
                  <td className="num">{fromPricePerLot(o.price, u)}</td>
                  <td>
                    <button type="button" className="danger" disabled={steps.busy} onClick={() => void cancel(o.id)}>
                      Cancel
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The wallet's orders still resting: its OrderPlaced events, kept if getOrder still finds them. */
function useOpenOrders(address: `0x${string}`) {
  const client = usePublicClient();
  const { data: block } = useBlockNumber({ watch: true });
  return useQuery({
    queryKey: ["dex-open-orders", address, block?.toString()],
    enabled: !!client,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const placed = await client!.getContractEvents({ address: DEX, abi: orderBookDexAbi, eventName: "OrderPlaced", args: { maker: address }, fromBlock: BigInt(deployment.deploymentBlock) });
      const open = await Promise.all(
        placed.map(async (log) => {
          const id = log.args.orderId!;
          try {
            const order = await client!.readContract({ address: DEX, abi: orderBookDexAbi, functionName: "getOrder", args: [id] });
            return order.lots > 0n ? { id, pairId: order.pairId, isBuy: order.isBuy, price: order.price, lots: order.lots } : null;
          } catch {
            return null; // filled or cancelled: DexOrderNotFound
          }
        }),
      );
      return open.filter((o) => o !== null).sort((a, b) => Number(b.id - a.id));
    },
  });
}
