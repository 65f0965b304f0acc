import Redis, { type RedisOptions } from "ioredis";

/**
 * Where commands and answers travel between processes, all under REDIS_KEY_PREFIX so two
 * deployments (or two test runs) on one Redis never see each other's commands:
 * - `<prefix>seq:commands`: one stream of commands, read by the active sequencer through the
 *   consumer group `sequencers` (an entry delivered and not acknowledged is taken over by the
 *   next active sequencer with XAUTOCLAIM);
 * - `<prefix>seq:replies:<process>`: each API process's own stream of answers.
 */
export interface CommandStreamKeys {
  commands: string;
  group: string;
  replies(process: string): string;
}

export function commandStreamKeys(prefix: string): CommandStreamKeys {
  return { commands: `${prefix}seq:commands`, group: "sequencers", replies: (process) => `${prefix}seq:replies:${process}` };
}

/** A command entry: its id, where to answer, when it was sent (ms, the sender's clock) and the encoded command. */
export interface CommandEntry {
  entryId: string;
  id: string;
  replyTo: string;
  sentAt: number;
  body: string;
}

/** The stream is trimmed to about this many entries: far more than are ever unanswered. */
export const COMMANDS_MAXLEN = 100_000;
/** A reply stream keeps about this many answers. */
export const REPLIES_MAXLEN = 10_000;
/** A reply stream outlives its process by this long, then Redis drops it. */
export const REPLIES_TTL_SECONDS = 3_600;

export function streamClient(url: string, name: string): Redis {
  const options: RedisOptions = { connectionName: name, retryStrategy: (attempt) => Math.min(attempt * 100, 2_000), maxRetriesPerRequest: null };
  return new Redis(url, options);
}

/** Field list -> record, as XREAD and XAUTOCLAIM answer them. */
export function fieldsOf(list: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) record[list[i]] = list[i + 1];
  return record;
}

export function toEntry([entryId, list]: [string, string[]]): CommandEntry {
  const f = fieldsOf(list);
  return { entryId, id: f.id, replyTo: f.replyTo, sentAt: Number(f.sentAt), body: f.body };
}
