import { createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import { expect } from "chai";
import { Client as PgClient } from "pg";
import type { RunningServer } from "../src/app/server";
import { chainHash } from "../src/audit/audit-chain";
import { Role } from "../src/identity";
import { bearer, gql, grantRole, registerUser, services, startTestServer, type TestUser } from "./helpers";

const VERIFY = `{ verifyAuditChain { valid checkedEvents firstInvalidSeq } }`;
const CHECKPOINTS = `{ auditCheckpoints(first: 5) { seq headHash signedAt signature publicKey anchor } }`;

interface Row {
  seq: string;
  timestamp: Date;
  event_type: string;
  user_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * What someone with superuser access to the database could do, and what the hash chain alone
 * cannot see: rewrite a row and recompute every later hash, or drop the newest rows. Each test
 * puts the rows back exactly, so the shared chain stays whole for the other suites.
 */
describe("audit anchor: signed checkpoints", () => {
  let server: RunningServer;
  let admin: TestUser;
  let pg: PgClient;

  const newest = async (count: number): Promise<Row[]> =>
    (await pg.query(`SELECT a.seq::text AS seq, a.timestamp, a.event_type, a.user_id, a.entity_type, a.entity_id, a.payload, a.prev_hash, a.hash FROM audit_logs a ORDER BY a.seq DESC LIMIT $1`, [count])).rows.reverse();
  /** The oldest signed checkpoint at or after `seq`: the first one a change from `seq` on breaks. */
  const firstCheckpointFrom = async (seq: string) => (await pg.query(`SELECT min(seq)::text AS seq FROM audit_checkpoints WHERE seq >= $1`, [seq])).rows[0].seq as string;
  const asAdmin = (query: string) => gql(server, query, {}, bearer(admin.accessToken));
  const tampering = async (work: () => Promise<void>) => {
    await pg.query("BEGIN");
    await pg.query("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update_delete");
    await work();
    await pg.query("ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_no_update_delete");
    await pg.query("COMMIT");
  };
  const putBack = (rows: Row[]) =>
    tampering(async () => {
      await pg.query(`DELETE FROM audit_logs WHERE seq >= $1`, [rows[0].seq]);
      for (const row of rows) {
        await pg.query(`INSERT INTO audit_logs (seq, timestamp, event_type, user_id, entity_type, entity_id, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
          row.seq, row.timestamp, row.event_type, row.user_id, row.entity_type, row.entity_id, JSON.stringify(row.payload), row.prev_hash, row.hash,
        ]);
      }
    });

  before(async function () {
    if (!services.databaseUrl) throw new Error("DATABASE_URL must be set: this test tampers as a PostgreSQL superuser");
    server = await startTestServer();
    admin = await registerUser(server);
    await grantRole(server, admin.email, Role.ADMIN);
    pg = new PgClient({ connectionString: services.databaseUrl });
    await pg.connect();
  });

  after(async () => {
    await pg?.end();
    await server?.stop();
  });

  it("when events were added, then the head is signed with the Ed25519 key, stored, listed and written to the checkpoint file; the chain verifies", async () => {
    await registerUser(server);
    const checkpoint = (await server.services.auditAnchor.checkpoint())!;
    expect(checkpoint).to.not.equal(null);
    expect(await server.services.auditAnchor.checkpoint(), "nothing new: no second checkpoint").to.equal(null);
    const [listed] = (await asAdmin(CHECKPOINTS)).data!.auditCheckpoints;
    expect(listed).to.deep.include({ seq: checkpoint.seq, headHash: checkpoint.headHash, anchor: null });
    const signed = Buffer.from(`blockguardian-audit-checkpoint:${listed.seq}:${listed.headHash}`);
    expect(verify(null, signed, createPublicKey(listed.publicKey), Buffer.from(listed.signature, "base64"))).to.equal(true);
    const filed = fs.readFileSync(server.config.auditAnchor.checkpointFile, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(filed.at(-1)).to.deep.include({ seq: checkpoint.seq, headHash: checkpoint.headHash, signature: checkpoint.signature });
    expect((await asAdmin(VERIFY)).data!.verifyAuditChain).to.deep.include({ valid: true, firstInvalidSeq: null });
  });

  it("when a row is rewritten and every later hash recomputed, then the chain walk passes but verifyAuditChain names the checkpoint", async () => {
    await registerUser(server);
    await registerUser(server);
    const checkpoint = (await server.services.auditAnchor.checkpoint())!;
    const original = await newest(3);
    expect(original.at(-1)!.seq).to.equal(checkpoint.seq);
    const expected = await firstCheckpointFrom(original[0].seq);
    try {
      await tampering(async () => {
        let prevHash = original[0].prev_hash;
        for (const [index, row] of original.entries()) {
          const payload = index === 0 ? { ...row.payload, rewritten: true } : row.payload;
          const hash = chainHash(prevHash, { seq: row.seq, timestamp: row.timestamp, eventType: row.event_type, userId: row.user_id, entityType: row.entity_type, entityId: row.entity_id, payload });
          await pg.query(`UPDATE audit_logs SET payload = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, [row.seq, JSON.stringify(payload), prevHash, hash]);
          prevHash = hash;
        }
      });
      expect(await server.services.audit.verify(), "the recomputed chain is self-consistent").to.deep.include({ valid: true });
      expect((await asAdmin(VERIFY)).data!.verifyAuditChain).to.deep.include({ valid: false, firstInvalidSeq: expected });
    } finally {
      await putBack(original);
    }
    expect((await asAdmin(VERIFY)).data!.verifyAuditChain.valid).to.equal(true);
  });

  it("when the newest rows are deleted, then verifyAuditChain reports the signed seq that no longer exists", async () => {
    await registerUser(server);
    const checkpoint = (await server.services.auditAnchor.checkpoint())!;
    const original = await newest(2);
    const expected = await firstCheckpointFrom(original[0].seq);
    expect(BigInt(expected) <= BigInt(checkpoint.seq)).to.equal(true);
    try {
      await tampering(() => pg.query(`DELETE FROM audit_logs WHERE seq >= $1`, [original[0].seq]).then(() => undefined));
      expect(await server.services.audit.verify(), "a shorter chain is still a valid chain").to.deep.include({ valid: true });
      expect((await asAdmin(VERIFY)).data!.verifyAuditChain).to.deep.include({ valid: false, firstInvalidSeq: expected });
    } finally {
      await putBack(original);
    }
  });

  it("when the checkpoint row itself is removed to hide a truncation, then the checkpoint file still names it", async () => {
    await registerUser(server);
    const checkpoint = (await server.services.auditAnchor.checkpoint())!;
    const [row] = (await pg.query(`SELECT seq::text AS seq, head_hash, signed_at, signature, public_key FROM audit_checkpoints WHERE seq = $1`, [checkpoint.seq])).rows;
    try {
      await pg.query("ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_no_update_delete");
      await pg.query(`DELETE FROM audit_checkpoints WHERE seq = $1`, [checkpoint.seq]);
      await pg.query("ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_no_update_delete");
      expect((await asAdmin(VERIFY)).data!.verifyAuditChain).to.deep.include({ valid: false, firstInvalidSeq: checkpoint.seq });
    } finally {
      await pg.query(`INSERT INTO audit_checkpoints (seq, head_hash, signed_at, signature, public_key) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [row.seq, row.head_hash, row.signed_at, row.signature, row.public_key]);
    }
    expect((await asAdmin(VERIFY)).data!.verifyAuditChain.valid).to.equal(true);
  });
});
