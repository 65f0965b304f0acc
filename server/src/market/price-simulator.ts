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

/**
 * Geometric Brownian motion per instrument, driftless, seeded so runs repeat. The state is an
 * integer number of ticks; each step multiplies it by exp(σ√dt·Z − σ²dt/2) and rounds back to a
 * whole tick (at least one), so every published price sits exactly on the tick. Floats only
 * model the random walk; no price is ever stored as one.
 */
export class PriceSimulator implements PriceFeed {
  private readonly random: () => number;
  private readonly states: SimulationState[];
  private timer?: NodeJS.Timeout;

  constructor(
    instruments: SimulatedInstrument[],
    private readonly options: SimulatorOptions,
  ) {
    this.random = mulberry32(options.seed);
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

  /** Advances every instrument one step and returns the new prices (used by start, and by tests). */
  step(at: Date): PriceTick[] {
    return this.states.map((state) => {
      const z = this.normal();
      const factor = Math.exp(state.stepSigma * z - (state.stepSigma * state.stepSigma) / 2);
      state.ticks = Math.max(1, Math.round(state.ticks * factor));
      return { symbol: state.symbol, price: fromUnits(state.ticks * state.tickUnits, state.places), at };
    });
  }

  start(onTick: (tick: PriceTick) => void): void {
    this.timer = setInterval(() => this.step(new Date()).forEach(onTick), 1000 / this.options.ticksPerSecond);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
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
