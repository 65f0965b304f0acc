import type { PriceFeed, PriceTick } from "./price-feed";

export interface SimulatedInstrument {
  symbol: string;
  /** The starting price and the tick, as decimal strings. */
  price: string;
  tickSize: string;
  /** Annualised volatility, e.g. 0.3 for 30%. */
  volatility: number;
}

export interface SimulatorOptions {
  ticksPerSecond: number;
  seed: number;
  /** Market seconds per wall-clock second, so a demo moves visibly (60: a minute per second). */
  timeScale: number;
}

const SECONDS_PER_YEAR = 365 * 24 * 3600;
/** The simulator's timer fires at most this often; beyond it, instruments step in groups. */
const MIN_TIMER_MS = 10;

/**
 * How the simulator spreads one round (every instrument once) over 1/ticksPerSecond seconds: a
 * real feed's instruments do not all tick in the same millisecond, and neither should every
 * subscriber's quote go out in one burst. Each timer fire steps `perFire` instruments, the next
 * ones in order; `intervalMs` keeps each instrument at exactly `ticksPerSecond` on average.
 */
export function tickSchedule(instruments: number, ticksPerSecond: number): { perFire: number; intervalMs: number } {
  const roundMs = 1000 / ticksPerSecond;
  const fires = Math.max(1, Math.min(instruments, Math.floor(roundMs / MIN_TIMER_MS)));
  const perFire = Math.max(1, Math.ceil(instruments / fires));
  return { perFire, intervalMs: (roundMs * perFire) / Math.max(1, instruments) };
}

/**
 * Geometric Brownian motion per instrument, driftless, seeded so runs repeat. The state is an
 * integer number of ticks; each step multiplies it by exp(σ√dt·Z − σ²dt/2) and rounds back to a
 * whole tick (at least one), so every published price sits exactly on the tick. Floats only
 * model the random walk; no price is ever stored as one.
 */
export class PriceSimulator implements PriceFeed {
  readonly sources: ReadonlyMap<string, string>;
  private readonly random: () => number;
  private readonly states: SimulationState[];
  private timer?: NodeJS.Timeout;
  /** The instrument the next staggered step advances. */
  private cursor = 0;

  constructor(
    instruments: SimulatedInstrument[],
    private readonly options: SimulatorOptions,
  ) {
    this.random = mulberry32(options.seed);
    this.sources = new Map(instruments.map((instrument) => [instrument.symbol, "simulator"]));
    const dtYears = options.timeScale / options.ticksPerSecond / SECONDS_PER_YEAR;
    this.states = instruments.map((instrument) => {
      const places = instrument.tickSize.split(".")[1]?.length ?? 0;
      const tickUnits = toUnits(instrument.tickSize, places);
      return {
        symbol: instrument.symbol,
        places,
        tickUnits,
        ticks: Math.max(1, Math.round(toUnits(instrument.price, places) / tickUnits)),
        stepSigma: instrument.volatility * Math.sqrt(dtYears),
      };
    });
  }

  /** Advances every instrument one step and returns the new prices (used by tests). */
  step(at: Date): PriceTick[] {
    return this.states.map((state) => this.advance(state, at));
  }

  /**
   * Advances the next `count` instruments, in the same order as `step`, so a seed walks the
   * same prices whether instruments step all at once or one after another.
   */
  stepNext(count: number, at: Date): PriceTick[] {
    const ticks: PriceTick[] = [];
    for (let k = 0; k < count && this.states.length > 0; k++) {
      ticks.push(this.advance(this.states[this.cursor], at));
      this.cursor = (this.cursor + 1) % this.states.length;
    }
    return ticks;
  }

  start(onTick: (tick: PriceTick) => void): void {
    const { perFire, intervalMs } = tickSchedule(this.states.length, this.options.ticksPerSecond);
    this.timer = setInterval(() => this.stepNext(perFire, new Date()).forEach(onTick), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private advance(state: SimulationState, at: Date): PriceTick {
    const z = this.normal();
    const factor = Math.exp(state.stepSigma * z - (state.stepSigma * state.stepSigma) / 2);
    state.ticks = Math.max(1, Math.round(state.ticks * factor));
    return { symbol: state.symbol, price: fromUnits(state.ticks * state.tickUnits, state.places), at };
  }

  /** Standard normal by Box–Muller. */
  private normal(): number {
    const u = 1 - this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

interface SimulationState {
  symbol: string;
  /** Decimal places of the tick; prices are integers of 10^-places. */
  places: number;
  tickUnits: number;
  /** The price as a whole number of ticks. */
  ticks: number;
  stepSigma: number;
}

/** A small, fast seedable PRNG (Tommy Ettinger's mulberry32): same seed, same walk. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** "227.50" at 2 places -> 22750 (integers only: prices stay exact). */
function toUnits(text: string, places: number): number {
  const [whole, fraction = ""] = text.split(".");
  return Number(whole) * 10 ** places + Number(fraction.padEnd(places, "0").slice(0, places) || "0");
}

function fromUnits(units: number, places: number): string {
  if (places === 0) return String(units);
  const text = String(units).padStart(places + 1, "0");
  return `${text.slice(0, -places)}.${text.slice(-places)}`;
}
