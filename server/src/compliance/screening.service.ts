import { createHash } from "node:crypto";
import path from "node:path";
import type { DataSource, EntityManager } from "typeorm";
import type { AuditService } from "../audit";
import type { ComplianceConfig } from "../config";
import { badUserInput } from "../infra/errors";
import type { Session } from "../identity";
import type { Logger } from "../infra/logger";
import { type CasePolicy, raiseAlert } from "./alerts";
import { RISK_SCORES } from "./aml-rules";
import { DEMO_SDN } from "./demo-sdn-list";
import { isSystemEmail } from "./internal-accounts";
import { type ScreeningMatch, Screener } from "./screener";
import { loadSdnFolder, parseSdn, type SanctionsEntry } from "./sdn-loader";

const RESCREEN_BATCH = 500;

export interface SanctionsListInfo {
  name: string;
  source: string;
  entries: number;
  loadedAt: Date;
  checksum: string;
}

/**
 * Sanctions screening: the list in memory, names screened at registration, at KYC, on request
 * by an officer, and every user again whenever the list content changes.
 */
export class ScreeningService {
  private screener = new Screener([]);
  /** Listed digital currency addresses, lower-cased (EVM addresses are case-insensitive hex). */
  private addresses = new Map<string, { entry: SanctionsEntry; currency: string }>();
  private listName = "OFAC-SDN";
  private loaded: SanctionsListInfo[] = [];
  private readonly policy: CasePolicy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: ComplianceConfig,
    private readonly log: Logger,
  ) {
    this.policy = { groupingDays: config.caseGroupingDays, riskLookbackDays: config.riskLookbackDays };
  }

  /**
   * Loads the configured list (or the demo list) and rescreens every user if its content changed.
   * Without a folder, the invented demo list is used only where the operator allows it
   * (`SANCTIONS_DEMO_LIST`, on by default outside production): a production deployment must
   * never believe it screens while it screens against nobody real.
   */
  async load(): Promise<SanctionsListInfo[]> {
    if (!this.config.sanctionsListDir && !this.config.sanctionsDemoList) {
      throw new Error("SANCTIONS_LIST_DIR is not set: refusing to screen against the demo list in production (set SANCTIONS_DEMO_LIST=true if that is meant)");
    }
    const entries: SanctionsEntry[] = this.config.sanctionsListDir ? await loadSdnFolder(this.config.sanctionsListDir) : parseSdn(DEMO_SDN, "OFAC-SDN-DEMO");
    this.listName = this.config.sanctionsListDir ? "OFAC-SDN" : "OFAC-SDN-DEMO";
    this.screener = new Screener(entries);
    this.addresses = new Map(entries.flatMap((entry) => entry.addresses.map(({ currency, address }) => [address.toLowerCase(), { entry, currency }] as const)));
    const hash = createHash("sha256").update(JSON.stringify(entries)).digest("hex");
    this.loaded = [{ name: this.listName, source: this.config.sanctionsListDir ? path.join(this.config.sanctionsListDir, "sdn.csv") : "demo list shipped with the server", entries: entries.length, loadedAt: new Date(), checksum: hash }];
    const [state] = await this.dataSource.query(`SELECT content_hash FROM sanctions_list_state WHERE list_name = $1`, [this.listName]);
    this.log.info({ list: this.listName, entries: entries.length }, "sanctions list loaded");
    if (state?.content_hash === hash) return this.lists();
    const screened = await this.rescreenAll();
    await this.dataSource.query(
      `INSERT INTO sanctions_list_state (list_name, content_hash, entries, screened_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (list_name) DO UPDATE SET content_hash = EXCLUDED.content_hash, entries = EXCLUDED.entries, screened_at = now()`,
      [this.listName, hash, entries.length],
    );
    this.log.info({ list: this.listName, users: screened }, "sanctions list changed: every user rescreened");
    return this.lists();
  }

  /** What is loaded: name, source, entries, when, and the content's SHA-256. */
  lists(): SanctionsListInfo[] {
    return this.loaded.map((list) => ({ ...list }));
  }

  /** An administrator's reload from the folder; a changed list rescreens every customer. */
  async reload(session: Session): Promise<SanctionsListInfo[]> {
    const adminId = session.requireUser();
    const lists = await this.load();
    await this.audit.record({ eventType: "compliance.sanctions_lists_reloaded", userId: adminId, entityType: "sanctions_list", entityId: lists.map((l) => l.name).join(","), payload: { lists: lists.map(({ name, entries, checksum }) => ({ name, entries, checksum })) } });
    return lists;
  }

  get size(): number {
    return this.screener.size;
  }

  screen(name: string): ScreeningMatch[] {
    return this.screener.screen(name, this.config.matchThreshold);
  }

  /** An officer's ad-hoc query. */
  screenQuery(name: string): ScreeningMatch[] {
    const trimmed = name.trim();
    if (trimmed.length < 2 || trimmed.length > 200) throw badUserInput("name must be 2 to 200 characters", "name");
    return this.screen(trimmed);
  }

  /** Screens a person in the caller's transaction; each possible match becomes a review item once. */
  async screenPerson(manager: EntityManager, userId: string, fullName: string, occasion: "registration" | "kyc" | "list_reload"): Promise<ScreeningMatch[]> {
    const matches = this.screen(fullName);
    for (const match of matches) {
      const alert = await raiseAlert(manager, this.audit, {
        userId,
        rule: "SANCTIONS_MATCH",
        riskScore: Math.max(RISK_SCORES.SANCTIONS, Math.round(match.score * 100)),
        description: `Possible sanctions match at ${occasion.replace("_", " ")}: "${match.matchedName}" (${match.listName} entry ${match.entryId}), score ${match.score.toFixed(3)}.`,
        transactionIds: [],
        dedupKey: `SANCTIONS_MATCH:${userId}:${match.listName}:${match.entryId}`,
      }, this.policy);
      if (alert) {
        await this.audit.append(manager, { eventType: "compliance.screening_hit", userId, entityType: "user", entityId: userId, payload: { occasion, listName: match.listName, entryId: match.entryId, score: match.score } });
      }
    }
    return matches;
  }

  /**
   * A linked wallet against the listed digital currency addresses, in the caller's transaction:
   * an exact match (not a fuzzy one: an address is an identifier) is an alert on the customer.
   */
  async screenWallet(manager: EntityManager, userId: string, address: string): Promise<boolean> {
    const listed = this.addresses.get(address.toLowerCase());
    if (!listed) return false;
    const { entry, currency } = listed;
    const alert = await raiseAlert(manager, this.audit, {
      userId,
      rule: "SANCTIONS_WALLET",
      riskScore: 100,
      description: `Linked wallet ${address} is a listed ${currency} address of "${entry.name}" (${entry.listName} entry ${entry.entryId}).`,
      transactionIds: [],
      dedupKey: `SANCTIONS_WALLET:${userId}:${address.toLowerCase()}`,
    }, this.policy);
    if (alert) {
      await this.audit.append(manager, { eventType: "compliance.screening_hit", userId, entityType: "wallet", entityId: address, payload: { occasion: "wallet_linked", listName: entry.listName, entryId: entry.entryId } });
    }
    return true;
  }

  /** Every user against the current list, batch by batch, each batch in its own transaction. */
  async rescreenAll(): Promise<number> {
    let after = "00000000-0000-0000-0000-000000000000";
    let count = 0;
    for (;;) {
      const users: Array<{ id: string; first_name: string; last_name: string; email: string }> = await this.dataSource.query(
        `SELECT id, first_name, last_name, email FROM users WHERE id > $1 ORDER BY id LIMIT ${RESCREEN_BATCH}`,
        [after],
      );
      if (users.length === 0) return count;
      const hits = users.filter((user) => !isSystemEmail(user.email) && this.screen(`${user.first_name} ${user.last_name}`).length > 0);
      if (hits.length > 0) {
        await this.dataSource.transaction(async (manager) => {
          for (const user of hits) await this.screenPerson(manager, user.id, `${user.first_name} ${user.last_name}`, "list_reload");
        });
      }
      count += users.length;
      after = users[users.length - 1].id;
    }
  }
}
