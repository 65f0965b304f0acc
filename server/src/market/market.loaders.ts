import DataLoader from "dataloader";
import { formatFixed } from "../infra/fixed";
import type { BarService } from "./bar.service";
import { MarketDay } from "./market.resolver";

/** Every listed instrument's last 24 hours in one statement per request, however many rows ask. */
export function createMarketLoaders(bars: BarService) {
  return {
    lastDay: new DataLoader<string, MarketDay>(async (symbols) => {
      const days = await bars.lastDay(symbols);
      return symbols.map((symbol) => {
        const day = days.get(symbol);
        const open = day?.open ?? null;
        return Object.assign(new MarketDay(), { open: open === null ? null : formatFixed(open), volume: formatFixed(day?.volume ?? 0n), closes: day?.closes ?? [] });
      });
    }),
  };
}

export type MarketLoaders = ReturnType<typeof createMarketLoaders>;
