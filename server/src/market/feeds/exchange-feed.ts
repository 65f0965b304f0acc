import WebSocket from "ws";
import { type Fixed, formatFixed, parseFixed } from "../../infra/fixed";
import type { Logger } from "../../infra/logger";
import type { PriceFeed, PriceTick } from "../price-feed";
import type { ProviderProtocol } from "./frames";

/** One of our instruments followed on a provider: `product` is the provider's name for it. */
export interface FeedMapping {
  symbol: string;
  product: string;
  tickSize: string;
}

export interface ExchangeFeedOptions {
  url: string;
  /** First reconnect delay; it doubles per failed attempt up to `maxBackoffMs` (with ±20% jitter). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A connection silent this long is dropped and made again (a half-open socket says nothing). */
  idleTimeoutMs: number;
}

/** Frames larger than this are garbage, not market data (a ticker is a few hundred bytes). */
const MAX_FRAME_BYTES = 64 * 1024;

/**
 * A provider's public WebSocket market data as reference prices: subscribes to the mapped
 * products on every (re)connect, parses each frame with the provider's protocol, rounds each
 * price down to the instrument's tick and emits it stamped with its arrival (the provider's
 * clock never moves our bars). Garbage frames (not JSON, wrong shape, a price that is not a
 * positive decimal) are counted and ignored; nothing a frame holds can throw out of here.
 * A closed, failed or silent connection is made again after a backoff that doubles from
 * `minBackoffMs` to `maxBackoffMs` and starts over once a price arrives.
 */
export class ExchangeFeed implements PriceFeed {
  readonly sources: ReadonlyMap<string, string>;
  readonly stats = { connects: 0, frames: 0, updates: 0, control: 0, invalid: 0, unmapped: 0 };
  private readonly byProduct = new Map<string, Array<{ symbol: string; tick: Fixed }>>();
  private socket?: WebSocket;
  private reconnectTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private attempt = 0;
  private stopped = true;
  private onTick?: (tick: PriceTick) => void;

  constructor(
    private readonly protocol: ProviderProtocol,
    mappings: FeedMapping[],
    private readonly options: ExchangeFeedOptions,
    private readonly log: Logger,
  ) {
    for (const mapping of mappings) {
      const list = this.byProduct.get(mapping.product) ?? [];
      list.push({ symbol: mapping.symbol, tick: parseFixed(mapping.tickSize) });
      this.byProduct.set(mapping.product, list);
    }
    this.sources = new Map(mappings.map((m) => [m.symbol, protocol.name]));
  }

  start(onTick: (tick: PriceTick) => void): void {
    if (this.byProduct.size === 0) return;
    this.onTick = onTick;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.idleTimer);
    this.socket?.terminate();
    this.socket = undefined;
  }

  private connect(): void {
    if (this.stopped) return;
    this.stats.connects++;
    const socket = new WebSocket(this.options.url, { handshakeTimeout: this.options.idleTimeoutMs, maxPayload: MAX_FRAME_BYTES });
    this.socket = socket;
    socket.on("open", () => {
      this.log.info({ provider: this.protocol.name, url: this.options.url, products: [...this.byProduct.keys()] }, "market feed connected");
      for (const message of this.protocol.subscribe([...this.byProduct.keys()])) socket.send(JSON.stringify(message));
      this.armIdle(socket);
    });
    socket.on("message", (data, isBinary) => {
      this.armIdle(socket);
      this.onFrame(isBinary ? null : data.toString());
    });
    // 'close' follows 'error': reconnecting there covers both.
    socket.on("error", (error) => this.log.warn({ provider: this.protocol.name, err: { message: error.message } }, "market feed connection error"));
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearTimeout(this.idleTimer);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const { minBackoffMs = 250, maxBackoffMs = 30_000 } = this.options;
    const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.min(this.attempt, 20));
    const delay = Math.round(base * (0.8 + 0.4 * Math.random()));
    this.attempt++;
    this.log.warn({ provider: this.protocol.name, delayMs: delay, attempt: this.attempt }, "market feed disconnected: reconnecting");
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.reconnectTimer.unref();
  }

  private armIdle(socket: WebSocket): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.log.warn({ provider: this.protocol.name, idleMs: this.options.idleTimeoutMs }, "market feed silent: reconnecting");
      socket.terminate();
    }, this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private onFrame(text: string | null): void {
    this.stats.frames++;
    const now = new Date();
    const result = text === null ? ({ kind: "invalid", reason: "binary frame" } as const) : this.protocol.parse(text, now);
    if (result.kind === "control") {
      this.stats.control++;
      if (result.warning) this.log.warn({ provider: this.protocol.name, warning: result.warning }, "market feed refused a request");
      return;
    }
    if (result.kind === "invalid") {
      this.stats.invalid++;
      // One line per hundred, so a provider spewing garbage cannot flood the log.
      if (this.stats.invalid % 100 === 1) this.log.warn({ provider: this.protocol.name, reason: result.reason, invalid: this.stats.invalid }, "market feed frame ignored");
      return;
    }
    for (const update of result.updates) {
      const targets = this.byProduct.get(update.product);
      if (!targets) {
        this.stats.unmapped++;
        continue;
      }
      for (const { symbol, tick } of targets) {
        const price = (update.price / tick) * tick;
        if (price <= 0n) {
          this.stats.invalid++;
          continue;
        }
        this.stats.updates++;
        this.attempt = 0;
        this.onTick?.({ symbol, price: formatFixed(price), at: now });
      }
    }
  }
}

/** Several feeds as one: each symbol is covered by the first feed that names it. */
export class CompositeFeed implements PriceFeed {
  readonly sources: ReadonlyMap<string, string>;
  private readonly owners = new Map<string, PriceFeed>();

  constructor(private readonly feeds: PriceFeed[]) {
    const sources = new Map<string, string>();
    for (const feed of feeds) {
      for (const [symbol, source] of feed.sources) {
        if (sources.has(symbol)) continue;
        sources.set(symbol, source);
        this.owners.set(symbol, feed);
      }
    }
    this.sources = sources;
  }

  get stats(): Record<string, number> {
    const total: Record<string, number> = {};
    for (const feed of this.feeds) for (const [name, value] of Object.entries(feed.stats ?? {})) total[name] = (total[name] ?? 0) + value;
    return total;
  }

  start(onTick: (tick: PriceTick) => void): void {
    for (const feed of this.feeds) feed.start((tick) => (this.owners.get(tick.symbol) === feed ? onTick(tick) : undefined));
  }

  stop(): void {
    for (const feed of this.feeds) feed.stop();
  }
}
