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
  /** Index of each token in the list's vocabulary. */
  ids: Int32Array;
}

/**
 * A sanctions list ready for screening: every name and alias normalised once, tokens interned.
 * A screen compares the query with every name; each distinct list token is compared with each
 * query token at most once per screen, since list tokens repeat (given names, "AL", "BIN",
 * company words).
 */
export class Screener {
  private readonly names: IndexedName[];
  private readonly vocabulary: string[] = [];

  constructor(readonly entries: readonly SanctionsEntry[]) {
    const ids = new Map<string, number>();
    const intern = (token: string) => {
      let id = ids.get(token);
      if (id === undefined) {
        id = this.vocabulary.length;
        ids.set(token, id);
        this.vocabulary.push(token);
      }
      return id;
    };
    this.names = entries.flatMap((entry) =>
      [entry.name, ...entry.aliases]
        .map((written) => {
          const tokens = normalizeName(written);
          return { entry, written, tokens, ids: Int32Array.from(tokens, intern) };
        })
        .filter((n) => n.tokens.length > 0),
    );
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries scoring at least `threshold`, best first (each entry once, by its best name). */
  screen(name: string, threshold: number, limit = 20): ScreeningMatch[] {
    const query = normalizeName(name);
    if (query.length === 0) return [];
    const n = query.length;
    // NaN: not computed yet for this screen.
    const cache = new Float64Array(this.vocabulary.length * n).fill(NaN);
    const best = new Map<SanctionsEntry, ScreeningMatch>();
    for (const candidate of this.names) {
      const score = tokenSimilarity(query, candidate.tokens, (q, c) => {
        const slot = candidate.ids[c] * n + q;
        let value = cache[slot];
        if (value !== value) {
          value = jaroWinkler(query[q], this.vocabulary[candidate.ids[c]]);
          cache[slot] = value;
        }
        return value;
      });
      if (score < threshold) continue;
      const previous = best.get(candidate.entry);
      if (!previous || score > previous.score) {
        best.set(candidate.entry, { listName: candidate.entry.listName, entryId: candidate.entry.entryId, matchedName: candidate.written, score: Math.round(score * 1000) / 1000 });
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.entryId.localeCompare(b.entryId)).slice(0, limit);
  }
}
