import { type Address, createWalletClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { AnchoredCheckpoint, CheckpointLedger } from "../audit";
import { auditAnchorAbi } from "./abis";

/**
 * The AuditAnchor contract as the audit feature's ledger: one transaction per checkpoint, and
 * the contract's AuditCheckpointAnchored events read back for verification. The head hash is
 * the audit chain's SHA-256 in hex, which is exactly a bytes32.
 */
export class OnChainCheckpointLedger implements CheckpointLedger {
  private readonly account;
  private readonly wallet;

  constructor(
    private readonly client: PublicClient,
    rpcUrl: string,
    privateKey: Hex,
    private readonly address: Address,
    private readonly fromBlock: bigint,
  ) {
    this.account = privateKeyToAccount(privateKey);
    this.wallet = createWalletClient({ account: this.account, transport: http(rpcUrl, { retryCount: 1 }) });
  }

  /** Refuses to start when the contract is missing or the key is not its owner: every anchor would fail. */
  async assertOwner(): Promise<void> {
    const code = await this.client.getCode({ address: this.address });
    if (!code || code === "0x") throw new Error(`AuditAnchor ${this.address} from the deployments file has no code on this chain: deploy the contracts again`);
    const owner = await this.client.readContract({ address: this.address, abi: auditAnchorAbi, functionName: "owner" });
    if (owner.toLowerCase() !== this.account.address.toLowerCase()) {
      throw new Error(`AUDIT_ANCHOR_PRIVATE_KEY is account ${this.account.address}, but AuditAnchor ${this.address} is owned by ${owner}`);
    }
  }

  async anchor(seq: string, headHash: string): Promise<string> {
    // Simulated first, so a refusal (another process anchored this seq) throws before sending.
    const { request } = await this.client.simulateContract({ account: this.account, address: this.address, abi: auditAnchorAbi, functionName: "anchor", args: [BigInt(seq), `0x${headHash}`] });
    const hash = await this.wallet.writeContract({ ...request, chain: null });
    const receipt = await this.client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`anchoring audit checkpoint ${seq} reverted in ${hash}`);
    return hash;
  }

  async anchored(): Promise<AnchoredCheckpoint[]> {
    const logs = await this.client.getContractEvents({ address: this.address, abi: auditAnchorAbi, eventName: "AuditCheckpointAnchored", fromBlock: this.fromBlock, toBlock: "latest", strict: true });
    return logs.map((log) => ({ seq: log.args.seq.toString(), headHash: log.args.headHash.slice(2), txHash: log.transactionHash }));
  }
}
