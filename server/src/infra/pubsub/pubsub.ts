import { RedisPubSub } from "graphql-redis-subscriptions";
import { PubSub as MemoryEngine } from "graphql-subscriptions";
import Redis, { type RedisOptions } from "ioredis";
import type { Config } from "../../config";
import type { Logger } from "../logger";
import type { Topic } from "./topics";

/** The one pub/sub of the process: Redis in production, in-process when embedded. */
export interface PubSub {
  readonly kind: "redis" | "memory";
  publish<P>(topic: Topic<P>, payload: P): Promise<void>;
  /** Events of any of `topics`, in publication order per topic, until `return()` is called. */
  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P>;
  /**
   * Like `subscribe`, but resolves once the subscription is in place (Redis acknowledged it):
   * every event published after that is delivered, buffered until read. For a stream that
   * replays from the database and must not miss what is published meanwhile.
   */
  listen<P>(topics: Topic<P>[]): Promise<AsyncIterableIterator<P>>;
  /** Fails when events could not be delivered right now. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createPubSub(config: Config, logger: Logger): PubSub {
  return config.redis.kind === "redis"
    ? new RedisBackedPubSub(config.redis.url, config.redis.keyPrefix, config.instanceName, logger)
    : new InProcessPubSub();
}

class InProcessPubSub implements PubSub {
  readonly kind = "memory";
  private readonly engine = new MemoryEngine();

  async publish<P>(topic: Topic<P>, payload: P): Promise<void> {
    // A JSON round trip, as over Redis, so both backends hand subscribers identical payloads.
    await this.engine.publish(topic, JSON.parse(JSON.stringify(payload)));
  }

  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P> {
    return this.engine.asyncIterableIterator<P>(topics);
  }

  listen<P>(topics: Topic<P>[]): Promise<AsyncIterableIterator<P>> {
    return listenOn(this.engine, topics);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

class RedisBackedPubSub implements PubSub {
  readonly kind = "redis";
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly engine: RedisPubSub;

  /**
   * Channels live under REDIS_KEY_PREFIX, as keys do: two deployments (or two test runs) on one
   * Redis never see each other's events.
   */
  constructor(
    url: string,
    private readonly channelPrefix: string,
    instanceName: string,
    logger: Logger,
  ) {
    const base: RedisOptions = {
      // Reconnect for ever with a capped back-off; ioredis re-issues SUBSCRIBE after each
      // reconnect (autoResubscribe), so open subscriptions survive a Redis restart.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      maxRetriesPerRequest: null,
    };
    // Publications issued in the same tick (a burst of valuations) share socket writes.
    this.publisher = new Redis(url, { ...base, connectionName: `${instanceName}:pub`, enableAutoPipelining: true });
    // Upstream bug: a subscriber that sends SUBSCRIBE during the connect handshake fails the
    // ready check ("Can't execute 'info'"); skipping the check and CLIENT SETINFO avoids it.
    this.subscriber = new Redis(url, {
      ...base,
      connectionName: `${instanceName}:sub`,
      enableReadyCheck: false,
      disableClientInfo: true,
    });
    for (const [role, client] of [
      ["publisher", this.publisher],
      ["subscriber", this.subscriber],
    ] as const) {
      client.on("error", (err) => logger.warn({ err: { message: err.message }, role }, "redis connection error"));
      client.on("reconnecting", () => logger.info({ role }, "redis reconnecting"));
      client.on("ready", () => logger.debug({ role }, "redis ready"));
    }
    this.engine = new RedisPubSub({ publisher: this.publisher, subscriber: this.subscriber });
  }

  async publish<P>(topic: Topic<P>, payload: P): Promise<void> {
    await this.engine.publish(this.channelPrefix + topic, payload);
  }

  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P> {
    return this.engine.asyncIterableIterator(topics.map((topic) => this.channelPrefix + topic)) as AsyncIterableIterator<P>;
  }

  listen<P>(topics: Topic<P>[]): Promise<AsyncIterableIterator<P>> {
    return listenOn(this.engine, topics.map((topic) => this.channelPrefix + topic));
  }

  async ping(): Promise<void> {
    for (const client of [this.publisher, this.subscriber]) {
      if (client.status !== "ready" && client.status !== "connect") throw new Error(`redis ${client.status}`);
    }
    // While Redis is away ioredis queues commands instead of failing them; bound the wait.
    await withTimeout(this.publisher.ping(), 1_000, "redis ping timed out");
  }

  async close(): Promise<void> {
    await this.engine.close().catch(() => {
      this.publisher.disconnect();
      this.subscriber.disconnect();
    });
  }
}

interface Engine {
  subscribe(trigger: string, onMessage: (payload: any) => void): Promise<number>;
  unsubscribe(id: number): void;
}

/**
 * Subscribes at once (the engines' own iterators subscribe lazily, on the first `next()`) and
 * queues events until they are read.
 */
async function listenOn<P>(engine: Engine, triggers: string[]): Promise<AsyncIterableIterator<P>> {
  const queue: P[] = [];
  const waiting: Array<(result: IteratorResult<P>) => void> = [];
  let open = true;
  const push = (payload: P) => {
    if (!open) return;
    const wake = waiting.shift();
    if (wake) wake({ done: false, value: payload });
    else queue.push(payload);
  };
  const ids = await Promise.all(triggers.map((trigger) => engine.subscribe(trigger, push)));
  const close = async (): Promise<IteratorResult<P>> => {
    if (open) {
      open = false;
      ids.forEach((id) => engine.unsubscribe(id));
      queue.length = 0;
      waiting.splice(0).forEach((wake) => wake({ done: true, value: undefined }));
    }
    return { done: true, value: undefined };
  };
  const iterator: AsyncIterableIterator<P> = {
    next: () => {
      if (queue.length > 0) return Promise.resolve({ done: false, value: queue.shift()! });
      if (!open) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: close,
    throw: async (error?: unknown) => {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
