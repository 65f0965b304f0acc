import { type DataSource, type EntityManager, In } from "typeorm";
import type { AuditService } from "../audit";
import type { Session } from "../identity";
import { badUserInput } from "../infra/errors";
import { formatFixed, parseFixed } from "../infra/fixed";
import { type CtrFiling, RegulatoryReport, type ReportFormat, ReportType, type SuspiciousActivity } from "./compliance.types";
import { toActivity } from "./case.service";
import { SuspiciousActivityRow } from "./compliance.entities";
import { isCustomerSql } from "./internal-accounts";
import { type CtrFilingData, type ReportData, renderReport, type SarFilingData } from "./report-render";

/** Filings of each kind one report holds at most: a row each in its price (issue 16); more asks for a shorter period. */
export const MAX_REPORT_FILINGS = 200;

const MAX_PERIOD_DAYS = 366;

/** CTR and SAR reports for a period; generating one is recorded in the audit chain. */
export class ReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async report(session: Session, type: ReportType, from: Date, to: Date): Promise<RegulatoryReport> {
    const officerId = session.requireUser();
    if (!(from < to)) throw badUserInput("from must be before to", "from");
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw badUserInput(`A report covers at most ${MAX_PERIOD_DAYS} days`, "to");
    const generatedAt = new Date();
    let sarCases: SuspiciousActivity[] = [];
    const data: ReportData = { type, periodStart: from, periodEnd: to, generatedAt, ctrFilings: [], sarFilings: [] };
    await this.dataSource.transaction(async (manager) => {
      if (type === ReportType.CTR) data.ctrFilings = withinReport(await ctrFilings(manager, from, to));
      else {
        data.sarFilings = withinReport(await sarFilings(manager, from, to));
        const rows = data.sarFilings.length ? await manager.getRepository(SuspiciousActivityRow).findBy({ id: In(data.sarFilings.map((f) => f.id)) }) : [];
        const byId = new Map(rows.map((row) => [row.id, toActivity(row)]));
        sarCases = data.sarFilings.map((f) => byId.get(f.id)!);
      }
      await this.audit.append(manager, {
        eventType: "compliance.report_generated",
        userId: officerId,
        entityType: "report",
        entityId: `${type}:${from.toISOString()}/${to.toISOString()}`,
        payload: { type, filings: data.ctrFilings.length + data.sarFilings.length },
      });
    });
    return Object.assign(new RegulatoryReport(), {
      type,
      periodStart: from,
      periodEnd: to,
      generatedAt,
      ctrFilings: data.ctrFilings.map(({ userId, businessDate, totalCashIn, totalCashOut, transactionIds }): CtrFiling => ({ userId, businessDate, totalCashIn, totalCashOut, transactionIds })),
      sarFilings: sarCases,
      data,
    });
  }

  render(report: RegulatoryReport, format: ReportFormat): string {
    return renderReport(report.data, format);
  }
}

/** CTR filings whose business day starts inside [from, to). */
/** One more than a report holds is read, so that a period with too many is refused without reading them all. */
function withinReport<T>(filings: T[]): T[] {
  if (filings.length > MAX_REPORT_FILINGS) throw badUserInput(`More than ${MAX_REPORT_FILINGS} filings in the period: ask for a shorter one`, "to");
  return filings;
}

async function ctrFilings(manager: EntityManager, from: Date, to: Date): Promise<CtrFilingData[]> {
  const rows: Array<Record<string, any>> = await manager.query(
    `SELECT c.user_id, u.first_name, u.last_name, u.country, to_char(c.business_date, 'YYYY-MM-DD') AS business_date,
            c.total_cash_in::text AS cash_in, c.total_cash_out::text AS cash_out, c.transaction_ids
       FROM ctr_filings c JOIN users u ON u.id = c.user_id
      WHERE c.business_date >= $1::date AND c.business_date < $2::date AND ${isCustomerSql("u")}
      ORDER BY c.business_date, c.user_id LIMIT ${MAX_REPORT_FILINGS + 1}`,
    [ceilDate(from), ceilDate(to)],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    personName: `${r.first_name} ${r.last_name}`,
    country: r.country,
    businessDate: r.business_date,
    totalCashIn: formatFixed(parseFixed(r.cash_in)),
    totalCashOut: formatFixed(parseFixed(r.cash_out)),
    transactionIds: r.transaction_ids,
  }));
}

/** Cases whose SAR was filed inside [from, to). */
async function sarFilings(manager: EntityManager, from: Date, to: Date): Promise<SarFilingData[]> {
  const rows: Array<Record<string, any>> = await manager.query(
    `SELECT s.*, u.first_name, u.last_name FROM suspicious_activities s JOIN users u ON u.id = s.user_id
      WHERE s.status = 'SAR_FILED' AND s.sar_filed_at >= $1 AND s.sar_filed_at < $2 ORDER BY s.sar_filed_at, s.id LIMIT ${MAX_REPORT_FILINGS + 1}`,
    [from, to],
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    personName: `${r.first_name} ${r.last_name}`,
    sarNumber: r.sar_number,
    rule: r.rule,
    riskScore: r.risk_score,
    description: r.description,
    narrative: r.sar_narrative,
    transactionIds: r.transaction_ids,
    status: r.status,
    createdAt: new Date(r.created_at),
  }));
}

/** The first UTC midnight at or after the instant. */
function ceilDate(at: Date): string {
  const day = at.toISOString().slice(0, 10);
  return at.getTime() === new Date(`${day}T00:00:00Z`).getTime() ? day : new Date(new Date(`${day}T00:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);
}
