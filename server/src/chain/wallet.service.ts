import { randomBytes } from "node:crypto";
import { type Address, getAddress, type Hex, isAddress, verifyMessage } from "viem";
import { createSiweMessage } from "viem/siwe";
import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import type { WalletScreening } from "../compliance";
import type { Session } from "../identity";
import { AppError, badUserInput, notFound } from "../infra/errors";
import type { Logger } from "../infra/logger";
import type { PortfolioService } from "../portfolio";
import { type PubSub, topics } from "../infra/pubsub";
import type { LinkWalletInput, Wallet, WalletChallenge } from "./chain.types";
import type { WalletBalances } from "./wallet-balances";

/** Wallets one user may link. */
export const MAX_WALLETS_PER_USER = 10;

const CHALLENGE_TTL_MS = 10 * 60_000;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/** The chain this server indexes, when chain features are on: linking needs its id in the message. */
export interface LinkingChain {
  chainId: number;
  balances: WalletBalances;
}

/**
 * Wallet linking by signature: the server issues an EIP-4361 message with a random nonce and
 * an expiry for (user, address); the wallet signs it; `link` verifies the signature against
 * the stored message (viem's verifyMessage: ECDSA recovery, so externally owned accounts). A
 * challenge is consumed by the first attempt, right or wrong, so a signature can never be
 * replayed; a wallet belongs to one user at a time.
 */
export class WalletService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly portfolios: PortfolioService,
    private readonly pubsub: PubSub,
    private readonly domain: string,
    private readonly chain: LinkingChain | null,
    private readonly log: Logger,
    /** Compliance screens the address against listed digital currency addresses. */
    private readonly screening: WalletScreening | null = null,
  ) {}

  async challenge(session: Session, rawAddress: string): Promise<WalletChallenge> {
    const userId = session.requireUser();
    const address = parseAddress(rawAddress);
    const chain = this.requireChain();
    // 128 random bits, alphanumeric as EIP-4361 requires.
    const nonce = randomBytes(16).toString("hex");
    const issuedAt = new Date();
    const expiresAt = new Date(issuedAt.getTime() + CHALLENGE_TTL_MS);
    const message = createSiweMessage({
      domain: this.domain,
      address,
      statement: "Link this wallet to your BlockGuardian account. Its token balances will show in your portfolio.",
      uri: `https://${this.domain}`,
      version: "1",
      chainId: chain.chainId,
      nonce,
      issuedAt,
      expirationTime: expiresAt,
    });
    await this.dataSource.transaction(async (manager) => {
      // One open challenge per (user, address): asking again withdraws the previous one.
      await manager.query(`DELETE FROM wallet_challenges WHERE user_id = $1 AND address = $2 AND used_at IS NULL`, [userId, address]);
      await manager.query(`INSERT INTO wallet_challenges (user_id, address, nonce, message, expires_at) VALUES ($1, $2, $3, $4, $5)`, [userId, address, nonce, message, expiresAt]);
    });
    return { address, message, nonce, expiresAt };
  }

  async link(session: Session, input: LinkWalletInput): Promise<Wallet> {
    const userId = session.requireUser();
    const address = parseAddress(input.address);
    if (!SIGNATURE.test(input.signature)) throw badUserInput("signature must be 65 bytes of 0x-prefixed hex", "signature");
    const chain = this.requireChain();
    const portfolio = await this.portfolios.requireOwned(session, input.portfolioId);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const [open] = await manager.query(
        `SELECT id, message, expires_at FROM wallet_challenges WHERE user_id = $1 AND address = $2 AND used_at IS NULL ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
        [userId, address],
      );
      if (!open) return { refused: "No open challenge for this wallet: ask for one with walletChallenge (each is good for one attempt)" };
      await manager.query(`UPDATE wallet_challenges SET used_at = now() WHERE id = $1`, [open.id]);
      if (new Date(open.expires_at).getTime() <= Date.now()) return { refused: "The challenge expired: ask for a new one" };
      const valid = await verifyMessage({ address, message: open.message, signature: input.signature as Hex }).catch(() => false);
      if (!valid) return { refused: "The signature does not match the challenge and the wallet" };
      const [owner] = await manager.query(`SELECT user_id FROM wallets WHERE address = $1 FOR UPDATE`, [address]);
      if (owner && owner.user_id !== userId) throw new AppError("CONFLICT", "This wallet is linked to another account");
      if (!owner) {
        // The user's row serialises their links, so two at once cannot both pass the count.
        await manager.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
        const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM wallets WHERE user_id = $1`, [userId]);
        if (count >= MAX_WALLETS_PER_USER) throw new AppError("CONFLICT", `At most ${MAX_WALLETS_PER_USER} wallets can be linked`);
      }
      await manager.query(
        `INSERT INTO wallets (address, user_id, portfolio_id) VALUES ($1, $2, $3)
         ON CONFLICT (address) DO UPDATE SET portfolio_id = EXCLUDED.portfolio_id, linked_at = now()`,
        [address, userId, portfolio.id],
      );
      // In the link's transaction: a listed address is an alert on the customer, never a refusal
      // they could learn from (tipping-off).
      await this.screening?.onWalletLinked(manager, userId, address);
      await this.audit.append(manager, { eventType: "wallet.linked", userId, entityType: "wallet", entityId: address, payload: { portfolioId: portfolio.id, chainId: chain.chainId } });
      return { refused: null };
    });
    // Thrown after the commit: the challenge stays consumed.
    if (outcome.refused) throw badUserInput(outcome.refused, "signature");
    await chain.balances.refreshWallet(address).catch((error: unknown) => this.log.warn({ err: error }, "wallet balances not read yet; the indexer retries"));
    return this.find(userId, address);
  }

  /** Linked wallets in address order, a page at a time (compliance rescreens them when a sanctions list changes). */
  async linkedWallets(afterAddress: string | null, limit: number): Promise<Array<{ address: string; userId: string }>> {
    const rows: Array<{ address: string; user_id: string }> = await this.dataSource.query(
      `SELECT address, user_id FROM wallets WHERE address > $1 ORDER BY address LIMIT $2`,
      [afterAddress ?? "", limit],
    );
    return rows.map((row) => ({ address: row.address, userId: row.user_id }));
  }

  async unlink(session: Session, rawAddress: string): Promise<boolean> {
    const userId = session.requireUser();
    const address = parseAddress(rawAddress);
    const portfolioId = await this.dataSource.transaction(async (manager) => {
      // TypeORM answers a DELETE with [rows, count].
      const [[row]] = await manager.query(`DELETE FROM wallets WHERE address = $1 AND user_id = $2 RETURNING portfolio_id`, [address, userId]);
      if (!row) throw notFound("Wallet");
      await this.audit.append(manager, { eventType: "wallet.unlinked", userId, entityType: "wallet", entityId: address, payload: { portfolioId: row.portfolio_id } });
      return row.portfolio_id as string;
    });
    // Live valuation drops the wallet's balances from that portfolio.
    await this.pubsub.publish(topics.portfolioChanged(), { portfolioId });
    return true;
  }

  async list(session: Session): Promise<Wallet[]> {
    return this.query(session.requireUser(), null);
  }

  private async find(userId: string, address: Address): Promise<Wallet> {
    const [wallet] = await this.query(userId, address);
    return wallet;
  }

  private async query(userId: string, address: Address | null): Promise<Wallet[]> {
    const rows: Array<Record<string, any>> = await this.dataSource.query(
      `SELECT w.address, w.portfolio_id, w.linked_at, b.symbol, b.quantity, b.block_number
         FROM wallets w LEFT JOIN wallet_balances b ON b.address = w.address
        WHERE w.user_id = $1 AND ($2::char(42) IS NULL OR w.address = $2)
        ORDER BY w.linked_at, w.address, b.symbol`,
      [userId, address],
    );
    const wallets = new Map<string, Wallet>();
    for (const row of rows) {
      let wallet = wallets.get(row.address);
      if (!wallet) wallets.set(row.address, (wallet = { address: row.address, portfolioId: row.portfolio_id, linkedAt: row.linked_at, balances: [] }));
      if (row.symbol) wallet.balances.push({ symbol: row.symbol, quantity: row.quantity, blockNumber: String(row.block_number) });
    }
    return [...wallets.values()];
  }

  private requireChain(): LinkingChain {
    if (!this.chain) throw new AppError("CONFLICT", "Chain features are off on this server");
    return this.chain;
  }
}

function parseAddress(raw: string): Address {
  if (!isAddress(raw, { strict: false })) throw badUserInput("address must be a 20-byte hex address", "address");
  return getAddress(raw);
}
