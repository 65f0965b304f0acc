import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The seed's portfolios and transactions, plus positions and valuation snapshots. Amounts are
 * numeric with room for exact products of price and quantity (scale 10); the invariant that a
 * portfolio's completed transactions sum to its cash balance is kept by the ledger service and
 * checked by the tests.
 */
export class Portfolios1732420000004 implements MigrationInterface {
  name = "Portfolios1732420000004";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE portfolios (
        id                  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id             uuid          NOT NULL REFERENCES users(id),
        name                varchar(255)  NOT NULL,
        description         text,
        total_value         numeric(30,10) NOT NULL DEFAULT 0,
        invested_amount     numeric(30,10) NOT NULL DEFAULT 0,
        cash_balance        numeric(30,10) NOT NULL DEFAULT 0 CHECK (cash_balance >= 0),
        -- Cash promised to open buy orders: withdrawals and new buys see cash minus this.
        reserved_cash       numeric(30,10) NOT NULL DEFAULT 0 CHECK (reserved_cash >= 0 AND reserved_cash <= cash_balance),
        unrealized_pnl      numeric(30,10) NOT NULL DEFAULT 0,
        realized_pnl        numeric(30,10) NOT NULL DEFAULT 0,
        risk_level          varchar(20)   NOT NULL DEFAULT 'MODERATE' CHECK (risk_level IN ('CONSERVATIVE', 'MODERATE', 'AGGRESSIVE')),
        benchmark_symbol    varchar(20)   REFERENCES instruments(symbol),
        auto_rebalance      boolean       NOT NULL DEFAULT false,
        rebalance_threshold numeric(5,4)  NOT NULL DEFAULT 0.05 CHECK (rebalance_threshold > 0 AND rebalance_threshold <= 1),
        currency            char(3)       NOT NULL DEFAULT 'USD',
        asset_allocation    jsonb,
        metadata            jsonb,
        created_at          timestamptz   NOT NULL DEFAULT now(),
        updated_at          timestamptz   NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX portfolios_user_idx ON portfolios (user_id, created_at)`);
    await q.query(`
      CREATE TABLE transactions (
        id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id          uuid          NOT NULL REFERENCES users(id),
        portfolio_id     uuid          REFERENCES portfolios(id),
        transaction_id   varchar(50)   NOT NULL UNIQUE,
        transaction_type varchar(20)   NOT NULL CHECK (transaction_type IN ('DEPOSIT', 'WITHDRAWAL', 'BUY', 'SELL', 'FEE')),
        asset_symbol     varchar(20),
        asset_name       varchar(255),
        quantity         numeric(30,10),
        price            numeric(30,10),
        total_amount     numeric(30,10) NOT NULL CHECK (total_amount >= 0),
        fees             numeric(30,10) NOT NULL DEFAULT 0 CHECK (fees >= 0),
        currency         char(3)       NOT NULL DEFAULT 'USD',
        status           varchar(20)   NOT NULL DEFAULT 'COMPLETED' CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED')),
        settlement_date  date,
        created_at       timestamptz   NOT NULL DEFAULT now(),
        updated_at       timestamptz   NOT NULL DEFAULT now(),
        metadata         jsonb
      )`);
    // Millisecond timestamps: the transaction cursor carries created_at, and a JavaScript Date
    // holds milliseconds; a microsecond column would make keyset pages skip rows.
    await q.query(`ALTER TABLE transactions ALTER COLUMN created_at TYPE timestamptz(3)`);
    await q.query(`CREATE INDEX transactions_portfolio_idx ON transactions (portfolio_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX transactions_user_idx ON transactions (user_id, created_at)`);
    await q.query(`
      CREATE TABLE positions (
        portfolio_id  uuid           NOT NULL REFERENCES portfolios(id),
        symbol        varchar(20)    NOT NULL REFERENCES instruments(symbol),
        quantity      numeric(30,10) NOT NULL CHECK (quantity >= 0),
        -- Quantity promised to open sell orders: no naked shorts.
        reserved_quantity numeric(30,10) NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0 AND reserved_quantity <= quantity),
        average_cost  numeric(30,10) NOT NULL CHECK (average_cost >= 0),
        realized_pnl  numeric(30,10) NOT NULL DEFAULT 0,
        updated_at    timestamptz    NOT NULL DEFAULT now(),
        PRIMARY KEY (portfolio_id, symbol)
      )`);
    await q.query(`
      CREATE TABLE valuation_snapshots (
        portfolio_id   uuid           NOT NULL REFERENCES portfolios(id),
        taken_at       timestamptz    NOT NULL,
        total_value    numeric(30,10) NOT NULL,
        cash_balance   numeric(30,10) NOT NULL,
        unrealized_pnl numeric(30,10) NOT NULL,
        realized_pnl   numeric(30,10) NOT NULL,
        PRIMARY KEY (portfolio_id, taken_at)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE valuation_snapshots`);
    await q.query(`DROP TABLE positions`);
    await q.query(`DROP TABLE transactions`);
    await q.query(`DROP TABLE portfolios`);
  }
}
