/**
 * Name normalisation and fuzzy comparison for sanctions screening: Jaro-Winkler on tokens,
 * each query token aligned with its best partner, short tokens weighing less, and a penalty for
 * tokens left without a partner. Pure and allocation-light: the screener calls it per entry.
 */

/** Letters NFKD does not decompose into a base letter plus marks. */
const SPECIAL_LETTERS: Record<string, string> = { ß: "SS", Æ: "AE", æ: "AE", Œ: "OE", œ: "OE", Ø: "O", ø: "O", Ł: "L", ł: "L", Đ: "D", đ: "D", Þ: "TH", þ: "TH", ı: "I", Ð: "D", ð: "D" };

/**
 * Legal-form words that say nothing about who an entity is: "ACME TRADING CO., LTD." and
 * "Acme Trading Company" are the same name to a screener.
 */
const COMPANY_SUFFIXES = new Set([
  "CO", "COMPANY", "CORP", "CORPORATION", "INC", "INCORPORATED", "LTD", "LIMITED", "LLC", "LLP", "LP", "PLC", "GMBH", "AG", "KG",
  "SA", "SAS", "SARL", "SRL", "SPA", "BV", "NV", "AB", "AS", "OY", "OOO", "ZAO", "OAO", "PAO", "PJSC", "JSC", "CJSC", "FZE", "FZCO", "FZ", "PTE", "PVT", "SDN", "BHD",
]);

/** Upper-case tokens of a name: diacritics, punctuation and legal forms gone, "SURNAME, Given" turned around. */
export function normalizeName(name: string): string[] {
  let text = name.replace(/[ßÆæŒœØøŁłĐđÞþıÐð]/g, (c) => SPECIAL_LETTERS[c] ?? c);
  text = text.normalize("NFKD").replace(/\p{M}/gu, "").toUpperCase();
  // OFAC writes individuals as "SURNAME, Given Names"; one comma only, else it is a list.
  const commas = text.split(",");
  if (commas.length === 2 && commas[1].trim() && !/^\s*(CO|INC|LTD|LLC|SA|LIMITED|S\.?A\.?)\b/.test(commas[1])) text = `${commas[1]} ${commas[0]}`;
  // Apostrophes join (O'BRIEN -> OBRIEN); other punctuation separates (AL-QAIDA -> AL QAIDA).
  text = text.replace(/['’`]/g, "").replace(/[^A-Z0-9]+/g, " ");
  const tokens = text.split(" ").filter(Boolean);
  const kept = tokens.filter((token) => !COMPANY_SUFFIXES.has(token));
  return kept.length > 0 ? kept : tokens;
}

/** Scratch flags reused across calls: screening compares millions of tokens, without garbage. */
let aFlags = new Uint8Array(64);
let bFlags = new Uint8Array(64);

/** The Jaro similarity (1989): matches within half the longer length, and half-transpositions. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > aFlags.length || lb > bFlags.length) {
    aFlags = new Uint8Array(Math.max(la, lb) * 2);
    bFlags = new Uint8Array(Math.max(la, lb) * 2);
  }
  aFlags.fill(0, 0, la);
  bFlags.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = i > window ? i - window : 0;
    const to = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (bFlags[j] === 0 && c === b.charCodeAt(j)) {
        aFlags[i] = 1;
        bFlags[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (aFlags[i] === 0) continue;
    while (bFlags[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  return (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
}

/** Winkler's boost (1990): up to four common leading characters, scaling factor 0.1. */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  const limit = Math.min(4, a.length, b.length);
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

/** How much a token left without a partner costs, as a share of the tokens on both sides. */
const UNMATCHED_PENALTY = 0.5;

/**
 * Jaro-Winkler gives unrelated short names 0.6-0.85 (MONADEY/NODEY: 0.84), so a shared given name
 * plus any surname would pass a name-level threshold. Pair scores up to this floor count as no
 * resemblance; above it they are rescaled linearly to 0-1, so a typo (0.9+) keeps most of its
 * weight and a merely similar token little (docs/compliance.md has what it does to false matches).
 */
export const PAIR_FLOOR = 0.7;

/**
 * Similarity of two token lists in [0, 1]. Pair scores are Jaro-Winkler above PAIR_FLOOR,
 * rescaled. Each pair is aligned greedily, best score first (so
 * order does not matter: "ANNA MARIA ERIKSSON" equals "ERIKSSON ANNA MARIA"); pairs weigh by the
 * longer token's length, so an initial counts less than a surname; every token without a
 * partner lowers the score, so "MORALES" alone does not match "JOSE ANTONIO MORALES".
 */
export function tokenSimilarity(query: readonly string[], candidate: readonly string[], pairScore: (q: number, c: number) => number = (q, c) => jaroWinkler(query[q], candidate[c])): number {
  const n = query.length;
  const m = candidate.length;
  if (n === 0 || m === 0) return 0;
  if (n * m > SCRATCH) return tokenSimilarity(query.slice(0, 16), candidate.slice(0, 16), pairScore);
  for (let q = 0; q < n; q++) {
    for (let c = 0; c < m; c++) {
      const score = pairScore(q, c);
      pairScores[q * m + c] = score <= PAIR_FLOOR ? 0 : (score - PAIR_FLOOR) / (1 - PAIR_FLOOR);
    }
  }
  const pairs = Math.min(n, m);
  let usedQ = 0;
  let usedC = 0;
  let weighted = 0;
  let weights = 0;
  // Greedy best-first alignment over at most 16 x 16 tokens: pick the best free pair, repeat.
  for (let p = 0; p < pairs; p++) {
    let best = -1;
    let bq = 0;
    let bc = 0;
    for (let q = 0; q < n; q++) {
      if (usedQ & (1 << q)) continue;
      for (let c = 0; c < m; c++) {
        if (usedC & (1 << c)) continue;
        const score = pairScores[q * m + c];
        if (score > best) {
          best = score;
          bq = q;
          bc = c;
        }
      }
    }
    usedQ |= 1 << bq;
    usedC |= 1 << bc;
    const weight = Math.max(query[bq].length, candidate[bc].length);
    weighted += best * weight;
    weights += weight;
  }
  const unmatched = n + m - 2 * pairs;
  return (weighted / weights) * (1 - (UNMATCHED_PENALTY * unmatched) / (n + m));
}

const SCRATCH = 256;
const pairScores = new Float64Array(SCRATCH);
