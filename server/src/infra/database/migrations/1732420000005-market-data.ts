import type { MigrationInterface, QueryRunner } from "typeorm";

/** Reference-price volatility per instrument (for the simulator) and 1-minute OHLCV bars. */
export class MarketData1732420000005 implements MigrationInterface {
  name = "MarketData1732420000005";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE instruments ADD COLUMN volatility numeric(6,4) NOT NULL DEFAULT 0.3 CHECK (volatility >= 0)`);
    await q.query(`UPDATE instruments SET volatility = CASE asset_class WHEN 'CRYPTO' THEN 0.7 WHEN 'TOKENIZED' THEN 0.15 ELSE 0.3 END`);
    await q.query(`UPDATE instruments SET volatility = 0.01 WHERE symbol = 'TBILL'`);
    await q.query(`
      CREATE TABLE price_bars (
        symbol  varchar(20)    NOT NULL REFERENCES instruments(symbol),
        bucket  timestamptz    NOT NULL,
        open    numeric(30,10) NOT NULL,
        high    numeric(30,10) NOT NULL,
        low     numeric(30,10) NOT NULL,
        close   numeric(30,10) NOT NULL,
        volume  numeric(30,10) NOT NULL DEFAULT 0,
        PRIMARY KEY (symbol, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE price_bars`);
    await q.query(`ALTER TABLE instruments DROP COLUMN volatility`);
  }
}
