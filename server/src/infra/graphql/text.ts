/**
 * Strings and ids as the API receives them. PostgreSQL refuses a NUL byte in text (the whole
 * statement fails), control characters forge log lines and confuse reports and exports, and an
 * unbounded string is a free way to fill the database. Every String and ID argument and input
 * field passes here once, at the edge (see app/input-guard.ts), before any resolver runs.
 */

export type TextKind =
  /** Names, emails, symbols, tokens: one line, no control characters at all. */
  | "line"
  /** Descriptions, notes, reasons, an MRZ: line breaks and tabs allowed. */
  | "multiline";

export interface TextRule {
  kind: TextKind;
  /** Most characters (Unicode code points) accepted. */
  max: number;
}

/** Names and emails, and any string whose field says nothing else. */
export const LINE: TextRule = { kind: "line", max: 200 };
/** Free text: descriptions, notes, decision reasons. */
export const FREE_TEXT: TextRule = { kind: "multiline", max: 10_000 };
/** A suspicious activity report's narrative. */
export const NARRATIVE: TextRule = { kind: "multiline", max: 20_000 };

// C0 controls, DEL and C1 controls; the multi-line kind lets \t, \n and \r through.
const CONTROL_ANY = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Lone surrogates cannot be encoded as UTF-8: PostgreSQL would refuse them as it does NUL.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` breaks `rule`, or null when it is acceptable. The value itself is never echoed. */
export function textProblem(value: string, rule: TextRule): string | null {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if ((rule.kind === "line" ? CONTROL_ANY : CONTROL_BUT_BREAKS).test(value)) {
    return rule.kind === "line" ? "must be one line without control characters" : "must not contain control characters other than line breaks and tabs";
  }
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode";
  // Counting code points is bounded by the byte length, so check that first: a 1 MB string is
  // refused without iterating it.
  if (value.length > rule.max * 2 || countCodePoints(value) > rule.max) return `must be at most ${rule.max} characters`;
  return null;
}

function countCodePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) i++;
    count++;
  }
  return count;
}

/** Every id the API takes is a PostgreSQL uuid in its text form. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
