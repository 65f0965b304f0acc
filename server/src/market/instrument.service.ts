import type { DataSource, Repository } from "typeorm";
import { In } from "typeorm";
import { badUserInput } from "../infra/errors";
import { AssetClass, Instrument } from "./instrument.entity";

const CLASS_ORDER = [AssetClass.EQUITY, AssetClass.CRYPTO, AssetClass.TOKENIZED];

export class InstrumentService {
  private readonly instruments: Repository<Instrument>;

  constructor(dataSource: DataSource) {
    this.instruments = dataSource.getRepository(Instrument);
  }

  /** Every instrument, equities first, then crypto, then tokenized assets; by symbol within each. */
  async list(): Promise<Instrument[]> {
    const rows = await this.instruments.find({ order: { symbol: "ASC" } });
    return rows.sort((a, b) => CLASS_ORDER.indexOf(a.assetClass) - CLASS_ORDER.indexOf(b.assetClass));
  }

  /** Checks that every symbol names an instrument; the error names the unknown ones. */
  async requireSymbols(symbols: readonly string[]): Promise<string[]> {
    const unique = [...new Set(symbols)];
    const found = await this.instruments.find({ where: { symbol: In(unique) }, select: { symbol: true } });
    const known = new Set(found.map((row) => row.symbol));
    const unknown = unique.filter((symbol) => !known.has(symbol));
    if (unknown.length > 0) throw badUserInput(`Unknown symbol: ${unknown.join(", ")}`, "symbols");
    return unique;
  }
}
