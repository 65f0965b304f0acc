import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Bars loaded from outside (importPriceBars, `npm run data:import`), one row per symbol,
 * interval and bar start. Kept apart from the live 1-minute `price_bars` so that an import never
 * overwrites what the platform itself recorded; reads give an imported bar precedence.
 */
export class ImportedBars1732420000040 implements MigrationInterface {
  name = "ImportedBars1732420000040";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE imported_price_bars (
        symbol       varchar(20)    NOT NULL REFERENCES instruments(symbol),
        bar_interval varchar(10)    NOT NULL CHECK (bar_interval IN ('MINUTE_1', 'MINUTE_5', 'MINUTE_15', 'HOUR_1', 'DAY_1')),
        bucket       timestamptz    NOT NULL,
        open         numeric(30,10) NOT NULL CHECK (open > 0),
        high         numeric(30,10) NOT NULL CHECK (high > 0),
        low          numeric(30,10) NOT NULL CHECK (low > 0),
        close        numeric(30,10) NOT NULL CHECK (close > 0),
        volume       numeric(30,10) NOT NULL CHECK (volume >= 0),
        imported_at  timestamptz    NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, bar_interval, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE imported_price_bars`);
  }
}
