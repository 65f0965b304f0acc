import type { DataSource } from "typeorm";
import { AppError, badUserInput } from "../infra/errors";
import type { OrderEvent } from "../infra/pubsub";

/** Events replayed per read: a long absence is sent in pages, not loaded at once. */
const REPLAY_PAGE = 500;
const MAX_SEQUENCE = 2n ** 63n - 1n;

/** A resume point as the client sent it, refused unless it is a sequence the stream could have issued. */
export function parseAfterSequence(value: string | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  if (!/^\d{1,19}$/.test(value) || BigInt(value) > MAX_SEQUENCE) throw badUserInput("afterSequence must be a sequence received from orderUpdates", "afterSequence");
  return BigInt(value);
}

/**
 * The resumable side of `orderUpdates`: the journal of numbered order events (written by the
 * sequencer in each batch's transaction), its retention, and the seam between replay and live.
 */
export class OrderStream {
  constructor(
    private readonly dataSource: DataSource,
    readonly retentionDays: number,
  ) {}

  /**
   * The caller's events after `after`, then `live`, with no gap and no duplicate: `live` must
   * already be subscribed (it buffers while the journal is read), every journalled event after
   * `after` is sent in sequence, then live events are sent, skipping those the replay covered.
   * Refused before anything is sent: a sequence beyond the caller's last (BAD_USER_INPUT), or
   * one whose successors were pruned (CONFLICT, reason SEQUENCE_EXPIRED: reconcile with
   * `orders` and `fills`, then subscribe without `afterSequence`).
   */
  async resume(userId: string, after: bigint, portfolioId: string | null, live: AsyncIterableIterator<OrderEvent>): Promise<AsyncIterableIterator<OrderEvent>> {
    const [{ first, last }] = await this.dataSource.query(`SELECT min(sequence)::text AS first, max(sequence)::text AS last FROM order_events WHERE user_id = $1`, [userId]);
    if (after > (last === null ? 0n : BigInt(last))) throw badUserInput("afterSequence is beyond the last event of this stream", "afterSequence");
    if (first !== null && after + 1n < BigInt(first)) {
      throw new AppError("CONFLICT", `Events after sequence ${after} are older than the ${this.retentionDays}-day retention: reconcile with orders and fills, then subscribe without afterSequence`, {
        reason: "SEQUENCE_EXPIRED",
        retentionDays: this.retentionDays,
      });
    }
    return this.seam(userId, after, portfolioId, live);
  }

  /** Drops events older than the retention, except each user's last (it carries the user's counter). */
  async prune(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    const result = await this.dataSource.query(
      `DELETE FROM order_events e WHERE e.created_at < $1
          AND e.sequence < (SELECT max(l.sequence) FROM order_events l WHERE l.user_id = e.user_id)`,
      [cutoff],
    );
    return result[1] ?? 0;
  }

  private seam(userId: string, after: bigint, portfolioId: string | null, live: AsyncIterableIterator<OrderEvent>): AsyncIterableIterator<OrderEvent> {
    let sent = after;
    let page: OrderEvent[] = [];
    let replaying = true;
    const mine = (event: OrderEvent) => event.userId === userId && (portfolioId === null || event.portfolioId === portfolioId);
    const read = async () => {
      const rows: Array<{ sequence: string; portfolio_id: string; order_id: string; fill_id: string | null; payload: { order: Record<string, unknown>; fill: Record<string, unknown> | null } }> =
        await this.dataSource.query(
          // Ordered by the bigint column, not by the text alias (where "10" sorts before "5").
          `SELECT e.sequence::text AS sequence, e.portfolio_id, e.order_id, e.fill_id, e.payload FROM order_events e
            WHERE e.user_id = $1 AND e.sequence > $2 AND ($3::uuid IS NULL OR e.portfolio_id = $3::uuid)
            ORDER BY e.sequence LIMIT ${REPLAY_PAGE}`,
          [userId, String(sent), portfolioId],
        );
      if (rows.length < REPLAY_PAGE) replaying = false;
      return rows.map((row) => ({ userId, portfolioId: row.portfolio_id, orderId: row.order_id, fillId: row.fill_id, sequence: row.sequence, order: row.payload.order, fill: row.payload.fill }));
    };
    return {
      async next(): Promise<IteratorResult<OrderEvent>> {
        while (page.length === 0 && replaying) page = await read();
        const replayed = page.shift();
        if (replayed) {
          sent = BigInt(replayed.sequence);
          return { done: false, value: replayed };
        }
        for (;;) {
          const result = await live.next();
          if (result.done) return result;
          const event = result.value;
          // Already sent by the replay (published after the subscription began, committed before the read).
          if (!mine(event) || BigInt(event.sequence) <= sent) continue;
          sent = BigInt(event.sequence);
          return result;
        }
      },
      return: (value?: unknown) => live.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
      throw: (error?: unknown) => live.throw?.(error) ?? Promise.reject(error),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
