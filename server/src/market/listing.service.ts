import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import { isDecimal } from "../infra/decimal";
import { AppError, badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, isMultipleOf, parseFixed } from "../infra/fixed";
import type { BarInterval } from "./bar-interval";
import type { BarImportResult, BarService } from "./bar.service";
import type { BarInput } from "./bar-validation";
import { AssetClass, Instrument } from "./instrument.entity";
import type { InstrumentService } from "./instrument.service";
import type { MarketDataService } from "./market-data.service";

export interface NewInstrument {
  symbol: string;
  name: string;
  assetClass: AssetClass;
  currency: string;
  tickSize: string;
  lotSize: string;
  referencePrice?: string | null;
}

/** Most bars one call may carry: ten years of daily bars with room to spare. */
export const MAX_IMPORT_BARS = 20_000;
const SYMBOL = /^[A-Z0-9][A-Z0-9.-]{0,19}$/;

/**
 * Listing instruments and loading their history. The book is opened by the trading feature,
 * which this feature must not import: the composition root passes `openBook` in.
 */
export class ListingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly instruments: InstrumentService,
    private readonly marketData: MarketDataService,
    private readonly bars: BarService,
    private readonly audit: AuditService,
    private readonly openBook: (instrument: Instrument) => Promise<void>,
  ) {}

  /** Lists a new instrument; its book opens at once, quoted around the reference price or the last imported close. */
  async list(userId: string, input: NewInstrument): Promise<Instrument> {
    const tick = positiveStep(input.tickSize, "tickSize");
    positiveStep(input.lotSize, "lotSize");
    if (!SYMBOL.test(input.symbol)) throw badUserInput("symbol must be 1-20 capital letters, digits, '.' or '-', starting with a letter or digit", "symbol");
    if (!/^[A-Z]{3}$/.test(input.currency)) throw badUserInput("currency must be an ISO 4217 code such as USD", "currency");
    if (input.name.trim() === "" || input.name.length > 255) throw badUserInput("name must have 1 to 255 characters", "name");
    let reference: Fixed | null = null;
    if (input.referencePrice != null) {
      reference = positiveStep(input.referencePrice, "referencePrice");
      if (!isMultipleOf(reference, tick)) throw badUserInput("referencePrice must be a multiple of tickSize", "referencePrice");
    }
    if (await this.instruments.get(input.symbol)) throw new AppError("CONFLICT", `${input.symbol} is already listed`, { field: "symbol" });
    const instrument = await this.dataSource.transaction(async (manager) => {
      const inserted: Array<{ symbol: string }> = await manager.query(
        `INSERT INTO instruments (symbol, name, asset_class, currency, tick_size, lot_size, last_price) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (symbol) DO NOTHING RETURNING symbol`,
        [input.symbol, input.name.trim(), input.assetClass, input.currency, input.tickSize, input.lotSize, reference === null ? null : formatFixed(reference)],
      );
      if (inserted.length === 0) throw new AppError("CONFLICT", `${input.symbol} is already listed`, { field: "symbol" });
      await this.audit.append(manager, { eventType: "market.instrument_listed", userId, payload: { symbol: input.symbol, referencePrice: reference === null ? null : formatFixed(reference) } });
      return manager.getRepository(Instrument).findOneByOrFail({ symbol: input.symbol });
    });
    await this.instruments.listed(instrument);
    await this.openBook(instrument);
    await this.marketData.addInstrument(instrument.symbol, instrument.tickSize, reference === null ? null : formatFixed(reference));
    return instrument;
  }

  /**
   * Imports bars of a listed symbol. An instrument listed without a price gets the last
   * imported close (down to its tick) as its reference, so its book starts being quoted.
   */
  async importBars(userId: string, symbol: string, interval: BarInterval, bars: readonly BarInput[], parseProblems: readonly string[] = []): Promise<BarImportResult> {
    const instrument = await this.instruments.get(symbol);
    if (!instrument) throw badUserInput(`Unknown symbol: ${symbol} (list the instrument first)`, "symbol");
    if (bars.length > MAX_IMPORT_BARS) throw badUserInput(`At most ${MAX_IMPORT_BARS} bars per import`, "bars");
    const result = await this.bars.import(symbol, interval, bars, parseProblems);
    await this.audit.record({ eventType: "market.bars_imported", userId, payload: { symbol, interval, stored: result.stored, replaced: result.replaced, rejected: result.rejected } });
    if (result.stored > 0 && this.marketData.referencePrice(symbol) === null) {
      const close = await this.bars.lastImportedClose(symbol);
      const tick = parseFixed(instrument.tickSize);
      const onTick = close && (parseFixed(close) / tick) * tick;
      if (onTick && onTick > 0n) await this.marketData.setReference(symbol, formatFixed(onTick));
    }
    return result;
  }
}

function positiveStep(text: string, field: string): Fixed {
  let value: Fixed;
  try {
    value = isDecimal(text) ? parseFixed(text) : 0n;
  } catch {
    throw badUserInput(`${field} has more than 10 decimal places`, field);
  }
  if (value <= 0n) throw badUserInput(`${field} must be a decimal greater than zero`, field);
  return value;
}
