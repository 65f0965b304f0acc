import type { DataSource, EntityManager, Repository } from "typeorm";
import { badUserInput } from "../infra/errors";
import { AssetClass, Instrument } from "./instrument.entity";

const CLASS_ORDER = [AssetClass.EQUITY, AssetClass.CRYPTO, AssetClass.TOKENIZED];

export class InstrumentService {
  private readonly instruments: Repository<Instrument>;
  /** Reference data changes only with migrations: read once, served from memory. */
  private cache?: Promise<Map<string, Instrument>>;
  /** How many are listed, known once the cache has loaded: what the rate limiter prices lists by. */
  private listedCount = 0;

  constructor(dataSource: DataSource) {
    this.instruments = dataSource.getRepository(Instrument);
  }

  /** Every instrument, equities first, then crypto, then tokenized assets; by symbol within each. */
  async list(): Promise<Instrument[]> {
    const rows = await this.instruments.find({ order: { symbol: "ASC" } });
    return rows.sort((a, b) => CLASS_ORDER.indexOf(a.assetClass) - CLASS_ORDER.indexOf(b.assetClass));
  }

  /** The instrument of `symbol`, from memory, or undefined. */
  async get(symbol: string): Promise<Instrument | undefined> {
    return (await this.bySymbol()).get(symbol);
  }

  bySymbol(): Promise<Map<string, Instrument>> {
    this.cache ??= this.instruments.find().then((rows) => {
      this.listedCount = rows.length;
      return new Map(rows.map((row) => [row.symbol, row]));
    });
    return this.cache;
  }

  /** The number of listed instruments as last loaded (0 before the first load; `bySymbol` loads). */
  count(): number {
    return this.listedCount;
  }

  /** Adds an instrument listed while the platform runs to the cached reference data. */
  async listed(instrument: Instrument): Promise<void> {
    const bySymbol = await this.bySymbol();
    bySymbol.set(instrument.symbol, instrument);
    this.listedCount = bySymbol.size;
  }

  /** The ADMIN kill switch for an instrument, in the caller's transaction; call `tradableChanged` after the commit. */
  async setTradable(manager: EntityManager, symbol: string, tradable: boolean): Promise<void> {
    await manager.query(`UPDATE instruments SET is_tradable = $1 WHERE symbol = $2`, [tradable, symbol]);
  }

  /** Keeps the cached copy true once a kill switch has been committed. */
  async tradableChanged(symbol: string, tradable: boolean): Promise<void> {
    const cached = (await this.bySymbol()).get(symbol);
    if (cached) cached.isTradable = tradable;
  }

  /** Symbols whose trading is halted, as committed (read fresh, not from the cache). */
  async haltedSymbols(manager: EntityManager): Promise<string[]> {
    const rows: Array<{ symbol: string }> = await manager.query(`SELECT symbol FROM instruments WHERE NOT is_tradable`);
    return rows.map((row) => row.symbol);
  }

  /** Checks that every symbol names an instrument; the error names the unknown ones. */
  async requireSymbols(symbols: readonly string[]): Promise<string[]> {
    const unique = [...new Set(symbols)];
    const known = await this.bySymbol();
    const unknown = unique.filter((symbol) => !known.has(symbol));
    if (unknown.length > 0) throw badUserInput(`Unknown symbol: ${unknown.join(", ")}`, "symbols");
    return unique;
  }
}
