import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The chain indexer's state and its output, and linked wallets. On-chain fills get their own
 * table rather than a source column on `trades`: a trade there references two internal orders
 * and carries the book's event sequence (crash recovery replays it), while an on-chain fill has
 * neither, is identified by its log's place in the chain, and must be deletable when a reorg
 * takes its block away.
 */
export class Chain1732420000009 implements MigrationInterface {
  name = "Chain1732420000009";

  async up(q: QueryRunner): Promise<void> {
    // The TOKENIZED instruments the demo deployment lists (the seed has them; kept for databases seeded before it did).
    await q.query(`
      INSERT INTO instruments (symbol, name, asset_class, currency, tick_size, lot_size, last_price, volatility, is_tradable) VALUES
        ('TGLD',  'Tokenized Gold (1 gram)',        'TOKENIZED', 'USD', 0.01,   0.01, 85.20,    0.15, true),
        ('TBILL', 'Tokenized US Treasury Bill Fund', 'TOKENIZED', 'USD', 0.0001, 1,    100.0125, 0.01, true)
      ON CONFLICT (symbol) DO NOTHING`);
    await q.query(`
      CREATE TABLE chain_cursors (
        chain_id     integer     NOT NULL,
        contract     char(42)    NOT NULL,
        last_block   bigint      NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chain_id, contract)
      )`);
    await q.query(`
      CREATE TABLE chain_blocks (
        chain_id  integer  NOT NULL,
        number    bigint   NOT NULL,
        hash      char(66) NOT NULL,
        PRIMARY KEY (chain_id, number)
      )`);
    await q.query(`
      CREATE TABLE chain_trades (
        id              uuid           NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        chain_id        integer        NOT NULL,
        block_number    bigint         NOT NULL,
        log_index       integer        NOT NULL,
        block_hash      char(66)       NOT NULL,
        tx_hash         char(66)       NOT NULL,
        pair_id         numeric(78,0)  NOT NULL,
        symbol          varchar(20)    NOT NULL REFERENCES instruments(symbol),
        price           numeric(30,10) NOT NULL,
        quantity        numeric(30,10) NOT NULL,
        aggressor_side  varchar(4)     NOT NULL CHECK (aggressor_side IN ('BUY', 'SELL')),
        maker           char(42)       NOT NULL,
        taker           char(42)       NOT NULL,
        maker_order_id  numeric(78,0)  NOT NULL,
        taker_order_id  numeric(78,0)  NOT NULL,
        base_amount     numeric(78,0)  NOT NULL,
        quote_amount    numeric(78,0)  NOT NULL,
        executed_at     timestamptz(3) NOT NULL,
        PRIMARY KEY (chain_id, block_number, log_index)
      )`);
    await q.query(`CREATE INDEX chain_trades_symbol_idx ON chain_trades (symbol, executed_at DESC)`);
    await q.query(`
      CREATE TABLE wallet_challenges (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid        NOT NULL REFERENCES users(id),
        address     char(42)    NOT NULL,
        nonce       varchar(64) NOT NULL UNIQUE,
        message     text        NOT NULL,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX wallet_challenges_user_idx ON wallet_challenges (user_id, address, created_at DESC)`);
    await q.query(`
      CREATE TABLE wallets (
        address       char(42)    PRIMARY KEY,
        user_id       uuid        NOT NULL REFERENCES users(id),
        portfolio_id  uuid        NOT NULL REFERENCES portfolios(id),
        linked_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX wallets_user_idx ON wallets (user_id)`);
    await q.query(`CREATE INDEX wallets_portfolio_idx ON wallets (portfolio_id)`);
    await q.query(`
      CREATE TABLE wallet_balances (
        address       char(42)       NOT NULL REFERENCES wallets(address) ON DELETE CASCADE,
        symbol        varchar(20)    NOT NULL REFERENCES instruments(symbol),
        quantity      numeric(30,10) NOT NULL,
        atoms         numeric(78,0)  NOT NULL,
        block_number  bigint         NOT NULL,
        PRIMARY KEY (address, symbol)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wallet_balances`);
    await q.query(`DROP TABLE wallets`);
    await q.query(`DROP TABLE wallet_challenges`);
    await q.query(`DROP TABLE chain_trades`);
    await q.query(`DROP TABLE chain_blocks`);
    await q.query(`DROP TABLE chain_cursors`);
  }
}
