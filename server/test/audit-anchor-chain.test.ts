import fs from "node:fs";
import { expect } from "chai";
import { Client as PgClient } from "pg";
import { createPublicClient, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import type { RunningServer } from "../src/app/server";
import { auditAnchorAbi } from "../src/chain/abis";
import { Role } from "../src/identity";
import { type HardhatNode, startHardhatNode } from "./hardhat-node";
import { bearer, gql, grantRole, registerUser, services, startTestServer, type TestUser } from "./helpers";

// Hardhat's well-known development key of account #0, the deployer and so the anchor's owner.
const OWNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const VERIFY = `{ verifyAuditChain { valid checkedEvents firstInvalidSeq } }`;
const CHECKPOINTS = `{ auditCheckpoints(first: 1) { seq headHash anchor } }`;

interface StoredRow {
  seq: string;
  head_hash: string;
  signed_at: Date;
  signature: string;
  public_key: string;
  anchor: string | null;
}

/**
 * Someone who can rewrite the database and the checkpoint file can make the stored checkpoints
 * agree with each other; the AuditAnchor contract's events are out of their reach.
 */
describe("audit anchor on chain (AuditAnchor against a hardhat node)", function () {
  this.timeout(120_000);
  let node: HardhatNode;
  let server: RunningServer;
  let admin: TestUser;
  let pg: PgClient;
  let chain: PublicClient;
  let anchorAddress: `0x${string}`;

  const asAdmin = (query: string) => gql(server, query, {}, bearer(admin.accessToken));
  const storedRow = async (seq: string): Promise<StoredRow> =>
    (await pg.query(`SELECT seq::text AS seq, head_hash, signed_at, signature, public_key, anchor FROM audit_checkpoints WHERE seq = $1`, [seq])).rows[0];
  /** Replaces (or, with null, removes) a checkpoint row as a superuser would, past the append-only trigger. */
  const rewriteRow = async (row: StoredRow, replacement: StoredRow | null) => {
    await pg.query("BEGIN");
    await pg.query("ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_no_update_delete");
    await pg.query(`DELETE FROM audit_checkpoints WHERE seq = $1`, [row.seq]);
    if (replacement) {
      await pg.query(`INSERT INTO audit_checkpoints (seq, head_hash, signed_at, signature, public_key, anchor) VALUES ($1, $2, $3, $4, $5, $6)`, [
        replacement.seq, replacement.head_hash, replacement.signed_at, replacement.signature, replacement.public_key, replacement.anchor,
      ]);
    }
    await pg.query("ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_no_update_delete");
    await pg.query("COMMIT");
  };

  before(async () => {
    if (!services.databaseUrl) throw new Error("DATABASE_URL must be set: this test tampers as a PostgreSQL superuser");
    node = await startHardhatNode();
    anchorAddress = JSON.parse(fs.readFileSync(node.deploymentsFile, "utf8")).contracts.AuditAnchor;
    chain = createPublicClient({ chain: hardhat, transport: http(node.rpcUrl) }) as PublicClient;
    server = await startTestServer({ CHAIN_RPC_URL: node.rpcUrl, CHAIN_DEPLOYMENTS_FILE: node.deploymentsFile, AUDIT_ANCHOR_PRIVATE_KEY: OWNER_KEY });
    admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    pg = new PgClient({ connectionString: services.databaseUrl });
    await pg.connect();
  });

  after(async () => {
    await pg?.end();
    await server?.stop();
    node?.stop();
  });

  it("when a checkpoint is made, then one transaction anchors its seq and head hash, and the row and auditCheckpoints name that transaction", async () => {
    await registerUser(server);
    const checkpoint = (await server.services.auditAnchor.checkpoint())!;
    expect(checkpoint.anchor).to.match(/^0x[0-9a-f]{64}$/);
    const receipt = await chain.getTransactionReceipt({ hash: checkpoint.anchor as `0x${string}` });
    expect(receipt.status).to.equal("success");
    const events = await chain.getContractEvents({ address: anchorAddress, abi: auditAnchorAbi, eventName: "AuditCheckpointAnchored", fromBlock: 0n, strict: true });
    const mine = events.filter((event) => event.transactionHash === checkpoint.anchor);
    expect(mine.map((event) => ({ seq: event.args.seq, headHash: event.args.headHash }))).to.deep.equal([{ seq: BigInt(checkpoint.seq), headHash: `0x${checkpoint.headHash}` }]);
    expect((await storedRow(checkpoint.seq)).anchor).to.equal(checkpoint.anchor);
    const [listed] = (await asAdmin(CHECKPOINTS)).data!.auditCheckpoints;
    expect(listed).to.deep.equal({ seq: checkpoint.seq, headHash: checkpoint.headHash, anchor: checkpoint.anchor });
    expect((await asAdmin(VERIFY)).data!.verifyAuditChain).to.deep.include({ valid: true, firstInvalidSeq: null });
  });

  it("when a stored checkpoint names another transaction than the chain's, then verifyAuditChain names its seq", async () => {
    await registerUser(server);
    const checkpoint = (await server.services.auditAnchor.checkpoint())!;
    const row = await storedRow(checkpoint.seq);
    try {
      await rewriteRow(row, { ...row, anchor: `0x${"ab".repeat(32)}` });
      expect((await asAdmin(VERIFY)).data!.verifyAuditChain).to.deep.include({ valid: false, firstInvalidSeq: checkpoint.seq });
    } finally {
      await rewriteRow(row, row);
    }
    expect((await asAdmin(VERIFY)).data!.verifyAuditChain.valid).to.equal(true);
  });

  it("when the checkpoint row and its line in the checkpoint file are both removed, then the chain's event still names the seq", async () => {
    await registerUser(server);
    const checkpoint = (await server.services.auditAnchor.checkpoint())!;
    const row = await storedRow(checkpoint.seq);
    const file = server.config.auditAnchor.checkpointFile;
    const filed = fs.readFileSync(file, "utf8");
    try {
      await rewriteRow(row, null);
      fs.writeFileSync(file, filed.split("\n").filter((line) => !line.includes(`"seq":"${checkpoint.seq}"`)).join("\n"));
      expect((await asAdmin(VERIFY)).data!.verifyAuditChain).to.deep.include({ valid: false, firstInvalidSeq: checkpoint.seq });
    } finally {
      fs.writeFileSync(file, filed);
      await rewriteRow(row, row);
    }
    expect((await asAdmin(VERIFY)).data!.verifyAuditChain.valid).to.equal(true);
  });
});
