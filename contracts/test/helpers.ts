import type { Abi, Hash, Log } from "viem";
import { parseEventLogs } from "viem";

/** A deterministic PRNG (mulberry32): the invariant runs replay exactly from their seed. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}

/** The decoded events of `abi` in a mined transaction's receipt. */
export async function eventsOf<const TAbi extends Abi>(
  publicClient: { waitForTransactionReceipt(args: { hash: Hash }): Promise<{ logs: Log[] }> },
  abi: TAbi,
  hash: Hash,
) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  return parseEventLogs({ abi, logs: receipt.logs });
}

export const MAX = 2n ** 256n - 1n;
