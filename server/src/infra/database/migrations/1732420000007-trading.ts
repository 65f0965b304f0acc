import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Orders, fills and trades. Every row carries the instrument book's event sequence, so the
 * books can be rebuilt after a crash from what was committed, in the original priority.
 */
export class Trading1732420000007 implements MigrationInterface {
  name = "Trading1732420000007";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE order_engine_ids`);
    await q.query(`ALTER TABLE users ADD COLUMN trading_disabled boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE orders (
        id                 uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
        engine_id          bigint         NOT NULL UNIQUE,
        user_id            uuid           NOT NULL REFERENCES users(id),
        portfolio_id       uuid           NOT NULL REFERENCES portfolios(id),
        client_order_id    varchar(64),
        symbol             varchar(20)    NOT NULL REFERENCES instruments(symbol),
        side               varchar(4)     NOT NULL CHECK (side IN ('BUY', 'SELL')),
        order_type         varchar(10)    NOT NULL CHECK (order_type IN ('MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT')),
        time_in_force      varchar(3)     NOT NULL CHECK (time_in_force IN ('GTC', 'IOC', 'FOK', 'DAY')),
        quantity           numeric(30,10) NOT NULL CHECK (quantity > 0),
        limit_price        numeric(30,10),
        stop_price         numeric(30,10),
        protection_price   numeric(30,10),
        filled_quantity    numeric(30,10) NOT NULL DEFAULT 0,
        filled_notional    numeric(30,10) NOT NULL DEFAULT 0,
        status             varchar(16)    NOT NULL CHECK (status IN ('PENDING_TRIGGER', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED')),
        reject_reason      text,
        reserved_cash      numeric(30,10) NOT NULL DEFAULT 0,
        reserved_quantity  numeric(30,10) NOT NULL DEFAULT 0,
        -- The event seq at which it took its place (accepted, or triggered for stop-limits).
        queued_seq         bigint,
        last_seq           bigint         NOT NULL,
        created_at         timestamptz(3) NOT NULL DEFAULT now(),
        updated_at         timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (user_id, client_order_id)
      )`);
    await q.query(`CREATE INDEX orders_open_idx ON orders (symbol, queued_seq) WHERE status IN ('PENDING_TRIGGER', 'NEW', 'PARTIALLY_FILLED')`);
    await q.query(`CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE trades (
        id              uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
        symbol          varchar(20)    NOT NULL REFERENCES instruments(symbol),
        price           numeric(30,10) NOT NULL,
        quantity        numeric(30,10) NOT NULL,
        aggressor_side  varchar(4)     NOT NULL,
        maker_order_id  uuid           NOT NULL REFERENCES orders(id),
        taker_order_id  uuid           NOT NULL REFERENCES orders(id),
        seq             bigint         NOT NULL,
        executed_at     timestamptz(3) NOT NULL,
        UNIQUE (symbol, seq)
      )`);
    await q.query(`
      CREATE TABLE fills (
        id           uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id     uuid           NOT NULL REFERENCES orders(id),
        trade_id     uuid           NOT NULL REFERENCES trades(id),
        symbol       varchar(20)    NOT NULL,
        side         varchar(4)     NOT NULL,
        price        numeric(30,10) NOT NULL,
        quantity     numeric(30,10) NOT NULL,
        fee          numeric(30,10) NOT NULL,
        liquidity    varchar(5)     NOT NULL CHECK (liquidity IN ('MAKER', 'TAKER')),
        seq          bigint         NOT NULL,
        executed_at  timestamptz(3) NOT NULL
      )`);
    await q.query(`CREATE INDEX fills_order_idx ON fills (order_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE fills`);
    await q.query(`DROP TABLE trades`);
    await q.query(`DROP TABLE orders`);
    await q.query(`ALTER TABLE users DROP COLUMN trading_disabled`);
    await q.query(`DROP SEQUENCE order_engine_ids`);
  }
}
