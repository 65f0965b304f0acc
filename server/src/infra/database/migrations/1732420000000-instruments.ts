import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The tradable instruments. Tick and lot sizes are exact numerics: the engine works in integer
 * ticks and lots derived from them, so they must never be rounded by a float.
 */
export class Instruments1732420000000 implements MigrationInterface {
  name = "Instruments1732420000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE instruments (
        symbol      varchar(20)   PRIMARY KEY CHECK (symbol ~ '^[A-Z0-9][A-Z0-9.-]{0,19}$'),
        name        varchar(255)  NOT NULL,
        asset_class varchar(16)   NOT NULL CHECK (asset_class IN ('EQUITY', 'CRYPTO', 'TOKENIZED')),
        currency    char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        tick_size   numeric(30,10) NOT NULL CHECK (tick_size > 0),
        lot_size    numeric(30,10) NOT NULL CHECK (lot_size > 0),
        last_price  numeric(30,10) CHECK (last_price > 0),
        is_tradable boolean       NOT NULL DEFAULT true,
        created_at  timestamptz   NOT NULL DEFAULT now(),
        updated_at  timestamptz   NOT NULL DEFAULT now()
      )`);
    // Reference data every environment needs, so it ships with the schema. `last_price` is the
    // opening reference price the market data feed starts from.
    await q.query(`
      INSERT INTO instruments (symbol, name, asset_class, currency, tick_size, lot_size, last_price) VALUES
        ('AAPL',    'Apple Inc.',                    'EQUITY',    'USD', 0.01,  1,      227.50),
        ('MSFT',    'Microsoft Corporation',         'EQUITY',    'USD', 0.01,  1,      415.30),
        ('NVDA',    'NVIDIA Corporation',            'EQUITY',    'USD', 0.01,  1,      142.80),
        ('AMZN',    'Amazon.com, Inc.',              'EQUITY',    'USD', 0.01,  1,      198.40),
        ('BTC-USD', 'Bitcoin / US Dollar',           'CRYPTO',    'USD', 0.01,  0.0001, 96500.00),
        ('ETH-USD', 'Ether / US Dollar',             'CRYPTO',    'USD', 0.01,  0.001,  3350.00),
        ('SOL-USD', 'Solana / US Dollar',            'CRYPTO',    'USD', 0.001, 0.01,   245.125),
        ('TGLD',    'Tokenized Gold (1 gram)',       'TOKENIZED', 'USD', 0.01,  0.01,   85.20),
        ('TBILL',   'Tokenized US Treasury Bill Fund','TOKENIZED', 'USD', 0.0001, 1,     100.0125)
      ON CONFLICT (symbol) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE instruments`);
  }
}
