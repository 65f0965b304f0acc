import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { ComplianceConfig } from "../config";
import { Role, type Session } from "../identity";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { decodeCursor, encodeCursor, forwardPageInfo, pageSize } from "../infra/graphql/pagination";
import { OPEN_STATUSES } from "./alerts";
import { SuspiciousActivityRow } from "./compliance.entities";
import { CaseStatus, type SuspiciousActivity } from "./compliance.types";
import type { SuspiciousActivityConnection } from "./case.types";
import { recomputeRiskLevel } from "./risk-level";
import { officerText } from "./text-input";
import { isUuid } from "../infra/graphql/text";

/** Notes a case holds at most, escalations included. */
export const MAX_CASE_NOTES = 20;

/** `<created_at ISO>|<id>`: newest first, stable under inserts. */
const CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

export interface CaseFilter {
  status?: CaseStatus[] | null;
  rule?: string | null;
  assigneeId?: string | null;
  userId?: string | null;
}

export function toActivity(row: SuspiciousActivityRow): SuspiciousActivity {
  const { id, userId, sarNumber, rule, riskScore, description, transactionIds, status, assigneeId, resolution, sarNarrative, createdAt, updatedAt } = row;
  return { id, userId, sarNumber, rule, riskScore, description, transactionIds, status, caseStatus: status as CaseStatus, assigneeId, resolution, sarNarrative, createdAt, updatedAt };
}

/**
 * The work on a case: assign, note, escalate, close with a resolution, or file a SAR (which is
 * when its SAR number is issued). Every step is one transaction with its audit event naming the
 * officer; a closed or filed case is read-only. An officer never works a case about themselves.
 */
export class CaseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: ComplianceConfig,
  ) {}

  async list(first: number | null | undefined, after: string | null | undefined, filter: CaseFilter): Promise<SuspiciousActivityConnection> {
    const size = pageSize(first, 50, 200);
    const position = decodeCursor(after, CURSOR);
    const query = this.dataSource.getRepository(SuspiciousActivityRow).createQueryBuilder("s");
    if (filter.status?.length) query.andWhere("s.status IN (:...statuses)", { statuses: filter.status });
    if (filter.rule) query.andWhere("s.rule = :rule", { rule: filter.rule });
    for (const key of ["assigneeId", "userId"] as const) {
      const value = filter[key];
      if (value === null || value === undefined) continue;
      if (!isUuid(value)) throw badUserInput(`${key} must be a user id`, key);
      query.andWhere(key === "assigneeId" ? "s.assignee_id = :assigneeId" : "s.user_id = :userId", { [key]: value });
    }
    const totalCount = await query.clone().getCount();
    if (position) {
      const [at, id] = position.split("|");
      query.andWhere("(s.created_at, s.id) < (:at, :id)", { at: new Date(at), id });
    }
    const rows = await query.orderBy("s.created_at", "DESC").addOrderBy("s.id", "DESC").take(size + 1).getMany();
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor(`${row.createdAt.toISOString()}|${row.id}`), node: toActivity(row) }));
    return { edges, pageInfo: forwardPageInfo(rows.length > size, edges, after), totalCount };
  }

  /** Assigns to an officer (the caller when none is named); an OPEN case goes UNDER_REVIEW. */
  assign(session: Session, id: string, officerId: string | null | undefined): Promise<SuspiciousActivity> {
    return this.work(session, id, "compliance.case_assigned", async (manager, row, actor) => {
      const assignee = officerId ?? actor;
      if (!isUuid(assignee)) throw badUserInput("officerId must be a compliance officer's id", "officerId");
      const [officer] = await manager.query(`SELECT roles FROM users WHERE id = $1 AND is_active`, [assignee]);
      if (!officer || !(officer.roles as string[]).includes(Role.COMPLIANCE_OFFICER)) throw badUserInput("officerId must be an active compliance officer", "officerId");
      if (assignee === row.userId) throw new AppError("FORBIDDEN", "A case may not be assigned to its own subject");
      const status = row.status === CaseStatus.OPEN ? CaseStatus.UNDER_REVIEW : row.status;
      return { changes: { assigneeId: assignee, status }, payload: { assigneeId: assignee, status } };
    });
  }

  addNote(session: Session, id: string, text: string): Promise<SuspiciousActivity> {
    const note = officerText(text, "text", "note");
    return this.work(session, id, "compliance.case_note_added", async (manager, row, actor) => {
      const noteId = await insertNote(manager, row.id, actor, note);
      return { changes: {}, payload: { noteId } };
    });
  }

  /** To a senior officer or the MLRO; the reason becomes a note. */
  escalate(session: Session, id: string, reason: string): Promise<SuspiciousActivity> {
    const why = officerText(reason, "reason", "reason");
    return this.work(session, id, "compliance.case_escalated", async (manager, row, actor) => {
      if (row.status === CaseStatus.ESCALATED) throw new AppError("CONFLICT", "The case is already escalated");
      const noteId = await insertNote(manager, row.id, actor, `Escalated: ${why}`);
      return { changes: { status: CaseStatus.ESCALATED }, payload: { noteId, from: row.status } };
    });
  }

  close(session: Session, id: string, resolution: string): Promise<SuspiciousActivity> {
    const text = officerText(resolution, "resolution", "resolution");
    return this.work(session, id, "compliance.case_closed", async () => ({ changes: { status: CaseStatus.CLOSED_NO_ACTION, resolution: text, closedAt: new Date() }, payload: { status: CaseStatus.CLOSED_NO_ACTION } }));
  }

  /** Files the SAR: its number comes from a database sequence now, never at detection. */
  fileSar(session: Session, id: string, narrative: string): Promise<SuspiciousActivity> {
    const text = officerText(narrative, "narrative", "narrative");
    return this.work(session, id, "compliance.sar_filed", async (manager) => {
      const now = new Date();
      const [{ n }] = await manager.query(`SELECT nextval('sar_numbers') AS n`);
      const sarNumber = `SAR-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${String(n).padStart(6, "0")}`;
      return { changes: { status: CaseStatus.SAR_FILED, sarNumber, sarNarrative: text, sarFiledAt: now, closedAt: now }, payload: { sarNumber } };
    });
  }

  private async work(
    session: Session,
    id: string,
    eventType: string,
    step: (manager: EntityManager, row: SuspiciousActivityRow, actor: string) => Promise<{ changes: Partial<SuspiciousActivityRow>; payload: Record<string, unknown> }>,
  ): Promise<SuspiciousActivity> {
    const actor = session.requireUser();
    return this.dataSource.transaction(async (manager) => {
      const row = isUuid(id) ? await manager.getRepository(SuspiciousActivityRow).createQueryBuilder("s").setLock("pessimistic_write").where("s.id = :id", { id }).getOne() : null;
      if (!row) throw notFound("Case");
      if (!(OPEN_STATUSES as readonly string[]).includes(row.status)) throw new AppError("CONFLICT", `The case is ${row.status} and can no longer change`);
      if (row.userId === actor) throw new AppError("FORBIDDEN", "An officer may not work a case about themselves");
      const { changes, payload } = await step(manager, row, actor);
      const updatedAt = new Date();
      await manager.update(SuspiciousActivityRow, { id: row.id }, { ...changes, updatedAt });
      await this.audit.append(manager, { eventType, userId: actor, entityType: "suspicious_activity", entityId: row.id, payload: { subject: row.userId, ...payload } });
      if (changes.status && changes.status !== row.status) await recomputeRiskLevel(manager, this.audit, row.userId, this.config.riskLookbackDays, eventType, updatedAt);
      return toActivity({ ...row, ...changes, updatedAt });
    });
  }
}

/** A case's next note, in the transaction that holds the case; a full case takes no more. */
async function insertNote(manager: EntityManager, caseId: string, authorId: string, text: string): Promise<string> {
  const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM case_notes WHERE case_id = $1`, [caseId]);
  if (count >= MAX_CASE_NOTES) throw new AppError("CONFLICT", `A case holds at most ${MAX_CASE_NOTES} notes`);
  const [{ id }] = await manager.query(`INSERT INTO case_notes (case_id, author_id, text) VALUES ($1, $2, $3) RETURNING id`, [caseId, authorId, text]);
  return id;
}
