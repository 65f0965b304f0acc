import { randomUUID } from "node:crypto";
import type Redis from "ioredis";
import type { DataSource } from "typeorm";
import { unavailable } from "../infra/errors";
import type { Logger } from "../infra/logger";
import { decode, encode, type Reply, settle } from "./command-codec";
import { COMMANDS_MAXLEN, type CommandStreamKeys, fieldsOf, REPLIES_TTL_SECONDS, streamClient } from "./command-stream";
import type { SequenceRead } from "./command-intake";
import type { SequencerCommand, SequencerResult } from "./sequence-step";
import type { SequencerGateway } from "./sequencer";
import type { OrderBookSnapshot } from "./trading.types";

/** Seconds a caller is told to wait before retrying while no sequencer answers. */
const RETRY_AFTER_SECONDS = 2;

interface Waiter {
  resolve(reply: Reply): void;
  timer: NodeJS.Timeout;
}

/**
 * ROLE=api: the sequencer as the gateway sees it, over Redis Streams. A command goes on the
 * one command stream with a fresh id and this process's reply stream; the answer comes back
 * once the active sequencer has committed it. A command not answered in time is settled in
 * PostgreSQL, not guessed: this process records a refusal under its id unless the sequencer has
 * recorded its answer first (both write the same primary key), so the caller hears UNAVAILABLE
 * only for a command that will never be applied, and the real answer otherwise.
 */
export class RemoteSequencer implements SequencerGateway {
  private readonly process = `${this.name}:${randomUUID()}`;
  private readonly replyKey: string;
  private readonly writer: Redis;
  private readonly reader: Redis;
  private readonly waiting = new Map<string, Waiter>();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    url: string,
    private readonly keys: CommandStreamKeys,
    private readonly name: string,
    private readonly dataSource: DataSource,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    this.replyKey = keys.replies(this.process);
    this.writer = streamClient(url, `${name}:commands`);
    this.reader = streamClient(url, `${name}:replies`);
  }

  start(): void {
    this.running = true;
    this.loop = this.readReplies();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.reader.disconnect();
    await this.loop;
    this.writer.disconnect();
  }

  async submit(command: SequencerCommand): Promise<SequencerResult> {
    const id = randomUUID();
    const reply = (await this.send(id, encode(command))) ?? (await this.settleLate(id));
    return settle(reply) as SequencerResult;
  }

  /** A book's depth, as the active sequencer holds it: a read, never journalled, so a timeout simply refuses it. */
  async book(symbol: string, depth: number): Promise<OrderBookSnapshot> {
    const read: SequenceRead = { kind: "book", symbol, depth };
    const reply = await this.send(`read:${randomUUID()}`, encode(read));
    if (!reply) throw unavailable(RETRY_AFTER_SECONDS);
    return settle(reply) as OrderBookSnapshot;
  }

  /** Resolves with the answer, or with null once the timeout has passed. */
  private async send(id: string, body: string): Promise<Reply | null> {
    const answer = new Promise<Reply | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(null);
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, timer });
    });
    try {
      await this.writer.xadd(this.keys.commands, "MAXLEN", "~", COMMANDS_MAXLEN, "*", "id", id, "replyTo", this.replyKey, "sentAt", String(Date.now()), "body", body);
    } catch (error) {
      clearTimeout(this.waiting.get(id)?.timer);
      this.waiting.delete(id);
      this.log.warn({ err: error }, "sending a command to the sequencer failed");
      throw unavailable(RETRY_AFTER_SECONDS);
    }
    return answer;
  }

  /** No answer in time: refuse the command for good, unless the sequencer answered it first. */
  private async settleLate(id: string): Promise<Reply> {
    const refusal = unavailable(RETRY_AFTER_SECONDS);
    const refused: Reply = { ok: false, code: "UNAVAILABLE", message: refusal.message, extensions: { retryAfter: RETRY_AFTER_SECONDS } };
    const inserted = (await this.dataSource.query(`INSERT INTO sequencer_commands (id, reply, applied) VALUES ($1, $2, false) ON CONFLICT (id) DO NOTHING RETURNING id`, [id, encode(refused)])) as unknown[];
    if (inserted.length === 1) return refused;
    const [row] = (await this.dataSource.query(`SELECT reply FROM sequencer_commands WHERE id = $1`, [id])) as Array<{ reply: string }>;
    return decode<Reply>(row.reply);
  }

  private async readReplies(): Promise<void> {
    // The stream is this process's own, new with it: read it from its start, so nothing falls between two reads.
    let last = "0-0";
    while (this.running) {
      try {
        const answer = (await this.reader.xread("COUNT", 1000, "BLOCK", 1000, "STREAMS", this.replyKey, last)) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [, entries] of answer ?? []) {
          for (const [entryId, list] of entries) {
            last = entryId;
            const { id, reply } = fieldsOf(list);
            const waiter = this.waiting.get(id);
            if (!waiter) continue;
            clearTimeout(waiter.timer);
            this.waiting.delete(id);
            waiter.resolve(decode<Reply>(reply));
          }
        }
        if (answer) void this.writer.expire(this.replyKey, REPLIES_TTL_SECONDS).catch(() => undefined);
      } catch (error) {
        if (!this.running) return;
        this.log.warn({ err: error }, "reading the sequencer's replies failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
