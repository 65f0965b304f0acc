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

/** The Jaro similarity (1989): matches within half the longer length, and half-transpositions. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  const aMatched = new Uint8Array(la);
  const bMatched = new Uint8Array(lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (!bMatched[j] && a.charCodeAt(i) === b.charCodeAt(j)) {
        aMatched[i] = 1;
        bMatched[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
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
 * Similarity of two token lists in [0, 1]. Each pair is aligned greedily, best score first (so
 * order does not matter: "ANNA MARIA ERIKSSON" equals "ERIKSSON ANNA MARIA"); pairs weigh by the
 * longer token's length, so an initial counts less than a surname; every token without a
 * partner lowers the score, so "MORALES" alone does not match "JOSE ANTONIO MORALES".
 */
export function tokenSimilarity(query: readonly string[], candidate: readonly string[], pairScore: (q: number, c: number) => number = (q, c) => jaroWinkler(query[q], candidate[c])): number {
  const n = query.length;
  const m = candidate.length;
  if (n === 0 || m === 0) return 0;
  const scores: Array<[number, number, number]> = [];
  for (let q = 0; q < n; q++) for (let c = 0; c < m; c++) scores.push([pairScore(q, c), q, c]);
  scores.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  const usedQ = new Uint8Array(n);
  const usedC = new Uint8Array(m);
  let pairs = 0;
  let weighted = 0;
  let weights = 0;
  for (const [score, q, c] of scores) {
    if (usedQ[q] || usedC[c]) continue;
    usedQ[q] = 1;
    usedC[c] = 1;
    const weight = Math.max(query[q].length, candidate[c].length);
    weighted += score * weight;
    weights += weight;
    if (++pairs === Math.min(n, m)) break;
  }
  const unmatched = n + m - 2 * pairs;
  return (weighted / weights) * (1 - (UNMATCHED_PENALTY * unmatched) / (n + m));
}
