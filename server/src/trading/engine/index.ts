import { FastStore } from "./fast-store";
import { MatchingEngine } from "./matching-engine";
import { ReferenceStore } from "./reference-store";
import { FastTrailingStops, ReferenceTrailingStops } from "./trailing-stops";
import type { OrderBook } from "./types";

export * from "./types";

/** The book the platform runs. */
export function createOrderBook(): OrderBook {
  return new MatchingEngine(new FastStore(), new FastTrailingStops());
}

/** The slow, obviously-correct book the fast one is held against. */
export function createReferenceOrderBook(): OrderBook {
  return new MatchingEngine(new ReferenceStore(), new ReferenceTrailingStops());
}
