import { jaroWinkler, normalizeName, PAIR_FLOOR, tokenSimilarity } from "./name-match";
import type { SanctionsEntry } from "./sdn-loader";

/** The most matches a screening answers, best first. */
export const MAX_MATCHES = 20;

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

const ALPHABET = 36; // A-Z, 0-9: all a normalised token holds
const slot = (code: number) => (code >= 65 ? code - 65 : code - 48 + 26);

/**
 * A sanctions list ready for screening: every name and alias normalised once, tokens interned
 * with their letter counts, and an index from each token to the names holding it.
 *
 * A name can reach the threshold T only if one of its tokens scores at least T after the pair
 * floor (the score is at most its best pair), that is Jaro-Winkler >= F + T(1 - F), so Jaro >=
 * (that - 0.4) / 0.6 (the prefix boost adds at most 0.4 of the gap). Jaro's m common characters
 * cannot exceed the letters two tokens share, so a token sharing too few letters with every query
 * token is skipped with a few additions, without false negatives; only names holding a token
 * that passes are scored in full.
 */
export class Screener {
  private readonly names: IndexedName[];
  private readonly vocabulary: string[] = [];
  private letterCounts = new Uint8Array(0);
  private readonly namesOfToken: number[][] = [];

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
    this.letterCounts = new Uint8Array(this.vocabulary.length * ALPHABET);
    this.vocabulary.forEach((token, t) => {
      this.namesOfToken.push([]);
      for (let i = 0; i < token.length; i++) {
        const k = t * ALPHABET + slot(token.charCodeAt(i));
        if (this.letterCounts[k] < 255) this.letterCounts[k]++;
      }
    });
    this.names.forEach((name, index) => {
      for (const id of new Set(name.ids)) this.namesOfToken[id].push(index);
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries scoring at least `threshold`, best first (each entry once, by its best name). */
  screen(name: string, threshold: number, limit = MAX_MATCHES): ScreeningMatch[] {
    const query = normalizeName(name);
    if (query.length === 0) return [];
    const n = query.length;
    const cache = new Map<number, number>();
    const pair = (q: number, id: number) => {
      const key = id * n + q;
      let value = cache.get(key);
      if (value === undefined) {
        value = jaroWinkler(query[q], this.vocabulary[id]);
        cache.set(key, value);
      }
      return value;
    };
    const candidates = this.candidates(query, threshold, pair);
    const best = new Map<SanctionsEntry, ScreeningMatch>();
    for (const index of candidates) {
      const candidate = this.names[index];
      const score = tokenSimilarity(query, candidate.tokens, (q, c) => pair(q, candidate.ids[c]));
      if (score < threshold) continue;
      const previous = best.get(candidate.entry);
      if (!previous || score > previous.score) {
        best.set(candidate.entry, { listName: candidate.entry.listName, entryId: candidate.entry.entryId, matchedName: candidate.written, score: Math.round(score * 1000) / 1000 });
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.entryId.localeCompare(b.entryId)).slice(0, limit);
  }

  /** Names holding a token close enough to a query token to possibly reach the threshold. */
  private candidates(query: string[], threshold: number, pair: (q: number, id: number) => number): Set<number> {
    const minJw = PAIR_FLOOR + threshold * (1 - PAIR_FLOOR);
    const minJaro = (minJw - 0.4) / 0.6;
    const found = new Set<number>();
    const counts = this.letterCounts;
    for (let q = 0; q < query.length; q++) {
      const token = query[q];
      const a = token.length;
      const mine = new Uint8Array(ALPHABET);
      for (let i = 0; i < a; i++) mine[slot(token.charCodeAt(i))]++;
      const letters = [...new Set(Array.from(token, (c) => slot(c.charCodeAt(0))))];
      for (let id = 0; id < this.vocabulary.length; id++) {
        const b = this.vocabulary[id].length;
        const m = a < b ? a : b;
        if ((m / a + m / b + 1) / 3 < minJaro) continue;
        let shared = 0;
        const base = id * ALPHABET;
        for (const k of letters) shared += Math.min(mine[k], counts[base + k]);
        // Jaro <= (m/a + m/b + 1) / 3 with m <= shared.
        if ((shared / a + shared / b + 1) / 3 < minJaro) continue;
        if (pair(q, id) < minJw) continue;
        for (const index of this.namesOfToken[id]) found.add(index);
      }
    }
    return found;
  }
}
