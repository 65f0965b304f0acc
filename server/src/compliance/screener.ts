import { jaroWinkler, normalizeName, tokenSimilarity } from "./name-match";
import type { SanctionsEntry } from "./sdn-loader";

export interface ScreeningMatch {
  listName: string;
  entryId: string;
  /** The listed name or alias that matched, as the list writes it. */
  matchedName: string;
  score: number;
}

interface IndexedName {
  entry: SanctionsEntry;
  written: string;
  tokens: string[];
}

/**
 * A sanctions list ready for screening: every name and alias normalised once. A screen compares
 * the query with every name; token pair scores are memoised per query, since list tokens repeat
 * (given names, "AL", "BIN", company words).
 */
export class Screener {
  private readonly names: IndexedName[];

  constructor(readonly entries: readonly SanctionsEntry[]) {
    this.names = entries.flatMap((entry) => [entry.name, ...entry.aliases].map((written) => ({ entry, written, tokens: normalizeName(written) })).filter((n) => n.tokens.length > 0));
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries scoring at least `threshold`, best first (each entry once, by its best name). */
  screen(name: string, threshold: number, limit = 20): ScreeningMatch[] {
    const query = normalizeName(name);
    if (query.length === 0) return [];
    const memo = new Map<string, Float64Array>();
    const pairs = (token: string) => {
      let row = memo.get(token);
      if (!row) {
        row = Float64Array.from(query, (q) => jaroWinkler(q, token));
        memo.set(token, row);
      }
      return row;
    };
    const best = new Map<SanctionsEntry, ScreeningMatch>();
    for (const candidate of this.names) {
      const rows = candidate.tokens.map(pairs);
      const score = tokenSimilarity(query, candidate.tokens, (q, c) => rows[c][q]);
      if (score < threshold) continue;
      const previous = best.get(candidate.entry);
      if (!previous || score > previous.score) {
        best.set(candidate.entry, { listName: candidate.entry.listName, entryId: candidate.entry.entryId, matchedName: candidate.written, score: Math.round(score * 1000) / 1000 });
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.entryId.localeCompare(b.entryId)).slice(0, limit);
  }
}
