import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { type FSWatcher, watch } from "node:fs";
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
import { type LoadedList, loadListFolder } from "./list-loaders";
import { parseSdn, type SanctionsEntry } from "./sdn-loader";

const RESCREEN_BATCH = 500;

/** Linked wallets, page by page (the chain feature owns them; compliance only reads them). */
export interface LinkedWalletSource {
  linkedWallets(afterAddress: string | null, limit: number): Promise<Array<{ address: string; userId: string }>>;
}

/** What a folder change led to: the lists now loaded, or why the previous ones stay. */
export interface ScreeningEvents {
  reloaded: [SanctionsListInfo[]];
  reload_failed: [Error];
}

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
  private loaded: SanctionsListInfo[] = [];
  private readonly policy: CasePolicy;
  private wallets: LinkedWalletSource | null = null;
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  /** Loads run one after another: a folder change and an admin's reload never rescreen at once. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Reloads started by a change in the folder, for whoever waits on them (tests, operators' hooks). */
  readonly events = new EventEmitter<ScreeningEvents>();

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
  load(): Promise<SanctionsListInfo[]> {
    return this.enqueue(() => this.loadNow());
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async loadNow(): Promise<SanctionsListInfo[]> {
    if (!this.config.sanctionsListDir && !this.config.sanctionsDemoList) {
      throw new Error("SANCTIONS_LIST_DIR is not set: refusing to screen against the demo list in production (set SANCTIONS_DEMO_LIST=true if that is meant)");
    }
    const lists: LoadedList[] = this.config.sanctionsListDir
      ? await loadListFolder(this.config.sanctionsListDir)
      : [{ name: "OFAC-SDN-DEMO", source: "demo list shipped with the server", entries: parseSdn(DEMO_SDN, "OFAC-SDN-DEMO") }];
    const entries = lists.flatMap((list) => list.entries);
    this.screener = new Screener(entries);
    this.addresses = new Map(entries.flatMap((entry) => entry.addresses.map(({ currency, address }) => [address.toLowerCase(), { entry, currency }] as const)));
    const loadedAt = new Date();
    this.loaded = lists.map((list) => ({ name: list.name, source: list.source, entries: list.entries.length, loadedAt, checksum: createHash("sha256").update(JSON.stringify(list.entries)).digest("hex") }));
    const states: Array<{ list_name: string; content_hash: string }> = await this.dataSource.query(`SELECT list_name, content_hash FROM sanctions_list_state WHERE list_name = ANY($1)`, [this.loaded.map((l) => l.name)]);
    for (const list of this.loaded) this.log.info({ list: list.name, entries: list.entries }, "sanctions list loaded");
    const changed = this.loaded.filter((list) => states.find((s) => s.list_name === list.name)?.content_hash !== list.checksum);
    if (changed.length === 0) return this.lists();
    const screened = await this.rescreenAll();
    const wallets = await this.rescreenWallets();
    for (const list of changed) {
      await this.dataSource.query(
        `INSERT INTO sanctions_list_state (list_name, content_hash, entries, screened_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (list_name) DO UPDATE SET content_hash = EXCLUDED.content_hash, entries = EXCLUDED.entries, screened_at = now()`,
        [list.name, list.checksum, list.entries],
      );
    }
    this.log.info({ lists: changed.map((l) => l.name), users: screened, wallets }, "sanctions lists changed: every customer and linked wallet rescreened");
    return this.lists();
  }

  /** Where linked wallets come from, so a changed list rescreens them too (set once at wiring). */
  useLinkedWallets(source: LinkedWalletSource): void {
    this.wallets = source;
  }

  /**
   * Reloads when a file in SANCTIONS_LIST_DIR changes. Publishers write a list in several chunks
   * (or a temporary file and a rename), so events are gathered until the folder has been quiet for
   * `sanctionsReloadDebounceMs`; a load that fails (a half-written file, a folder left empty)
   * keeps the lists already loaded and is logged, never a gap in screening.
   */
  watch(): void {
    const folder = this.config.sanctionsListDir;
    if (!folder || this.watcher) return;
    this.watcher = watch(folder, () => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        this.reloadFromFolder();
      }, this.config.sanctionsReloadDebounceMs);
    });
    this.watcher.on("error", (error) => this.log.error({ err: error, folder }, "sanctions list folder no longer watched"));
  }

  unwatch(): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    this.watcher?.close();
    this.watcher = null;
    // A reload under way finishes (its rescreen commits batch by batch) before the database closes.
    return this.queue.then(() => undefined);
  }

  private reloadFromFolder(): void {
    // The audit record is part of the queued work, so stopping waits for it too.
    this.enqueue(async () => {
      const lists = await this.loadNow();
      await this.audit.record({ eventType: "compliance.sanctions_lists_reloaded", userId: null, entityType: "sanctions_list", entityId: lists.map((l) => l.name).join(","), payload: { trigger: "folder_changed", lists: lists.map(({ name, entries, checksum }) => ({ name, entries, checksum })) } });
      return lists;
    })
      .then((lists) => this.events.emit("reloaded", lists))
      .catch((error: Error) => {
        this.log.error({ err: error }, "sanctions lists not reloaded after a folder change; the previous lists stay loaded");
        this.events.emit("reload_failed", error);
      });
  }

  /** What is loaded: name, source, entries, when, and the content's SHA-256. */
  lists(): SanctionsListInfo[] {
    return this.loaded.map((list) => ({ ...list }));
  }

  /** An administrator's reload from the folder; a changed list rescreens every customer. */
  async reload(session: Session): Promise<SanctionsListInfo[]> {
    const adminId = session.requireUser();
    const lists = await this.load();
    await this.audit.record({ eventType: "compliance.sanctions_lists_reloaded", userId: adminId, entityType: "sanctions_list", entityId: lists.map((l) => l.name).join(","), payload: { trigger: "admin", lists: lists.map(({ name, entries, checksum }) => ({ name, entries, checksum })) } });
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
  async screenWallet(manager: EntityManager, userId: string, address: string, occasion: "wallet_linked" | "list_reload" = "wallet_linked"): Promise<boolean> {
    const listed = this.addresses.get(address.toLowerCase());
    if (!listed) return false;
    const { entry, currency } = listed;
    const alert = await raiseAlert(manager, this.audit, {
      userId,
      rule: "SANCTIONS_WALLET",
      riskScore: 100,
      description: `${occasion === "list_reload" ? "At list reload, linked" : "Linked"} wallet ${address} is a listed ${currency} address of "${entry.name}" (${entry.listName} entry ${entry.entryId}).`,
      transactionIds: [],
      dedupKey: `SANCTIONS_WALLET:${userId}:${address.toLowerCase()}`,
    }, this.policy);
    if (alert) {
      await this.audit.append(manager, { eventType: "compliance.screening_hit", userId, entityType: "wallet", entityId: address, payload: { occasion, listName: entry.listName, entryId: entry.entryId } });
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

  /** Every linked wallet against the listed addresses; a wallet already alerted on stays one alert (its dedup key). */
  async rescreenWallets(): Promise<number> {
    if (!this.wallets) return 0;
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const page = await this.wallets.linkedWallets(after, RESCREEN_BATCH);
      if (page.length === 0) return count;
      const listed = page.filter((w) => this.addresses.has(w.address.toLowerCase()));
      if (listed.length > 0) {
        await this.dataSource.transaction(async (manager) => {
          for (const wallet of listed) await this.screenWallet(manager, wallet.userId, wallet.address, "list_reload");
        });
      }
      count += page.length;
      after = page[page.length - 1].address;
    }
  }
}
