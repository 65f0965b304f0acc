import { useState } from "react";
import type { Abi, Hash } from "viem";
import { useConfig } from "wagmi";
import { waitForTransactionReceipt, writeContract } from "wagmi/actions";

type Call = { address: `0x${string}`; abi: Abi; functionName: string; args: readonly unknown[] };

/** A wallet error in words a person can act on (viem's short message, not its multi-line dump). */
export function chainErrorMessage(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { shortMessage?: string; name?: string; message?: string };
    if (e.name === "UserRejectedRequestError") return "The request was rejected in the wallet.";
    if (e.shortMessage) return e.shortMessage;
    if (e.message) return e.message.split("\n")[0];
  }
  return "The transaction failed.";
}

/**
 * Sends transactions one after another, each mined before the next (an approval before the call
 * that spends it), and tracks the step for the screen.
 */
export function useChainSteps() {
  const config = useConfig();
  const [step, setStep] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function run(steps: Array<[label: string, call: Call]>): Promise<Hash[] | null> {
    setError(null);
    const hashes: Hash[] = [];
    try {
      for (const [label, call] of steps) {
        setStep(label);
        const hash = await writeContract(config, call as Parameters<typeof writeContract>[1]);
        const receipt = await waitForTransactionReceipt(config, { hash });
        if (receipt.status !== "success") throw new Error(`${label} reverted`);
        hashes.push(hash);
      }
      return hashes;
    } catch (e) {
      setError(chainErrorMessage(e));
      return null;
    } finally {
      setStep(null);
    }
  }
  return { run, step, error, busy: step !== null };
}

