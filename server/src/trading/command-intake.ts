import type Redis from "ioredis";
import type { DataSource } from "typeorm";
import { unavailable } from "../infra/errors";
import type { Logger } from "../infra/logger";
import { decode, encode, type Reply, replyOf } from "./command-codec";
import { type CommandEntry, type CommandStreamKeys, REPLIES_MAXLEN, streamClient, toEntry } from "./command-stream";
import type { SequencerCommand, SequencerResult } from "./sequence-step";
import { Deposed, type Sequencer } from "./sequencer";
import type { OrderBookSnapshot } from "./trading.types";

/** What an API process may ask the sequencer besides commands: reads of its memory, never journalled. */
export type SequenceRead = { kind: "book"; symbol: string; depth: number };

/**
 * Recorded command ids are kept this long: far longer than any command waits in the stream (its
 * sender gives up after COMMAND_TIMEOUT_MS and records a refusal), so a redelivery always finds
 * its answer. Pruned hourly by the active sequencer.
 */
export const COMMAND_ID_RETENTION_HOURS = 24;

/** Entries taken per read: a batch's worth (see MAX_BATCH). */
const READ_COUNT = 512;

type Entries = Array<[string, string[]]>;

/**
 * ROLE=sequencer, while active: takes commands off the command stream through the consumer
 * group, hands them to the sequencer (commands read together join one batch), and answers each
 * on its sender's reply stream. On taking over it first claims every entry the previous
 * sequencer read and never acknowledged (XAUTOCLAIM).
 *
 * Exactly once: an applied command's id is recorded with its answer in the batch's transaction,
 * and the entry is acknowledged after the answer is sent; a redelivered entry whose id is
 * recorded gets the recorded answer and is not applied again. An entry whose sender gave up on
 * it finds the sender's refusal recorded under its id, and is skipped the same way.
 */
export class CommandIntake {
  private readonly reader: Redis;
  private readonly writer: Redis;
  private running = false;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    url: string,
    private readonly keys: CommandStreamKeys,
    private readonly consumer: string,
    private readonly sequencer: Sequencer,
    private readonly dataSource: DataSource,
    private readonly book: (symbol: string, depth: number) => OrderBookSnapshot,
    /** A command sent longer ago than this (its sender's COMMAND_TIMEOUT_MS) is refused, not applied: its caller has stopped waiting. */
    private readonly expireAfterMs: number,
    private readonly log: Logger,
  ) {
    this.reader = streamClient(url, `${consumer}:intake`);
    this.writer = streamClient(url, `${consumer}:answers`);
  }

  async start(): Promise<void> {
    await this.writer.xgroup("CREATE", this.keys.commands, this.keys.group, "$", "MKSTREAM").catch((error: Error) => {
      if (!error.message.includes("BUSYGROUP")) throw error;
    });
    this.running = true;
    await this.claimAbandoned();
    this.loop = this.read();
    this.pruneTimer = setInterval(() => void this.prune(), 3_600_000);
    this.pruneTimer.unref();
  }

  private async prune(): Promise<void> {
    await this.dataSource
      .query(`DELETE FROM sequencer_commands WHERE recorded_at < now() - make_interval(hours => $1)`, [COMMAND_ID_RETENTION_HOURS])
      .catch((error: unknown) => this.log.warn({ err: error }, "pruning recorded command ids failed"));
  }

  /** Stops reading; what was read is still answered. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.pruneTimer);
    this.reader.disconnect();
    await this.loop;
    await Promise.all(this.inFlight);
    this.writer.disconnect();
  }

  /** Everything delivered to a sequencer before and never acknowledged: it is ours now (the old one is fenced). */
  private async claimAbandoned(): Promise<void> {
    let cursor = "0-0";
    do {
      const [next, entries] = (await this.writer.xautoclaim(this.keys.commands, this.keys.group, this.consumer, 0, cursor, "COUNT", READ_COUNT)) as [string, Entries, string[]?];
      cursor = next;
      const live = entries.filter((entry) => entry && entry[1]);
      if (live.length > 0) this.log.info({ entries: live.length }, "sequencer took over unacknowledged commands");
      this.track(this.handle(live.map(toEntry), true));
    } while (cursor !== "0-0");
    // Each sequencer process reads under a name of its own: forget the ones with nothing left pending.
    const consumers = (await this.writer.xinfo("CONSUMERS", this.keys.commands, this.keys.group)) as Array<Array<string | number>>;
    for (const fields of consumers) {
      const info = Object.fromEntries(fields.reduce<Array<[string, string | number]>>((pairs, value, i) => (i % 2 === 0 ? [...pairs, [String(value), fields[i + 1]]] : pairs), []));
      if (info.name !== this.consumer && Number(info.pending) === 0) await this.writer.xgroup("DELCONSUMER", this.keys.commands, this.keys.group, String(info.name));
    }
  }

  private async read(): Promise<void> {
    while (this.running) {
      try {
        const answer = (await this.reader.xreadgroup("GROUP", this.keys.group, this.consumer, "COUNT", READ_COUNT, "BLOCK", 1000, "STREAMS", this.keys.commands, ">")) as Array<[string, Entries]> | null;
        for (const [, entries] of answer ?? []) this.track(this.handle(entries.map(toEntry), false));
      } catch (error) {
        if (!this.running) return;
        this.log.warn({ err: error }, "reading the command stream failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.log.error({ err: error }, "answering commands failed"));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async handle(entries: CommandEntry[], redelivered: boolean): Promise<void> {
    if (entries.length === 0) return;
    const reads = entries.filter((e) => e.id.startsWith("read:"));
    const commands = entries.filter((e) => !e.id.startsWith("read:"));
    for (const entry of reads) this.track(this.answerRead(entry));
    // One read for the lot: ids answered before (a redelivery) or refused by a sender that gave up.
    const recorded = await this.recorded(commands.map((e) => e.id));
    const expired = commands.filter((e) => !recorded.has(e.id) && Date.now() - e.sentAt > this.expireAfterMs);
    if (expired.length > 0) for (const [id, reply] of await this.refuse(expired.map((e) => e.id))) recorded.set(id, reply);
    if (redelivered && recorded.size > 0) this.log.info({ answered: recorded.size }, "redelivered commands answered from the journal, not applied again");
    // Submitted in one go, so the commands read together join one batch.
    await Promise.all(commands.map((entry) => this.apply(entry, recorded.get(entry.id))));
  }

  private async apply(entry: CommandEntry, recorded: string | undefined): Promise<void> {
    if (recorded !== undefined) {
      await this.answer(entry, recorded);
      await this.ack(entry);
      return;
    }
    let result: { value?: SequencerResult; error?: unknown };
    try {
      result = { value: await this.sequencer.submit(decode<SequencerCommand>(entry.body), entry.id) };
    } catch (error) {
      // Deposed: this entry is the next sequencer's to claim and answer; touch nothing.
      if (error instanceof Deposed) return;
      result = { error };
    }
    const reply = encode(replyOf(result));
    if (this.committed(result)) {
      // Recorded with the batch: answer first; a crash before the acknowledgement only redelivers the recorded answer.
      await this.answer(entry, reply);
      await this.ack(entry);
    } else {
      // Not applied and not recorded: acknowledge first, so it can never be applied after its caller heard no.
      await this.ack(entry);
      await this.answer(entry, reply);
    }
  }

  /** A command's answer is recorded with its batch unless the batch itself failed (no typed refusal from the step). */
  private committed(result: { value?: SequencerResult; error?: unknown }): boolean {
    if (!("error" in result)) return true;
    const code = (result.error as { extensions?: { code?: string } })?.extensions?.code;
    return code !== undefined && code !== "UNAVAILABLE" && code !== "INTERNAL_SERVER_ERROR";
  }

  private async answerRead(entry: CommandEntry): Promise<void> {
    const read = decode<SequenceRead>(entry.body);
    let reply: Reply;
    try {
      reply = replyOf({ value: this.book(read.symbol, read.depth) });
    } catch (error) {
      reply = replyOf({ error });
    }
    await this.ack(entry);
    await this.answer(entry, encode(reply));
  }

  /**
   * Records refusals for commands whose senders have given up (or died before they could), the
   * way a sender does: a refusal that loses to a recorded answer yields that answer. Safe whatever
   * the clocks say: a command refused here is never applied, and its caller hears exactly that.
   */
  private async refuse(ids: string[]): Promise<Map<string, string>> {
    const refusal = encode(replyOf({ error: unavailable(2, "The command waited too long for a sequencer; retry") }));
    await this.dataSource.query(`INSERT INTO sequencer_commands (id, reply, applied) SELECT unnest($1::text[]), $2, false ON CONFLICT (id) DO NOTHING`, [ids, refusal]);
    this.log.warn({ commands: ids.length }, "refused commands that waited too long for a sequencer");
    return this.recorded(ids);
  }

  private async recorded(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, reply FROM sequencer_commands WHERE id = ANY($1)`, [ids])) as Array<{ id: string; reply: string }>;
    return new Map(rows.map((row) => [row.id, row.reply]));
  }

  private async answer(entry: CommandEntry, reply: string): Promise<void> {
    // Answers are read as they come; the bound only stops a stream whose reader died from growing.
    await this.writer.xadd(entry.replyTo, "MAXLEN", "~", REPLIES_MAXLEN, "*", "id", entry.id, "reply", reply);
  }

  private async ack(entry: CommandEntry): Promise<void> {
    await this.writer.xack(this.keys.commands, this.keys.group, entry.entryId);
  }
}
