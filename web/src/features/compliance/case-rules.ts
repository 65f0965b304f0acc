/**
 * The server's edge checks on what an officer writes on a case, made before sending: trimmed
 * length within bounds and no control characters other than line breaks and tabs. The server
 * checks again; these only spare a round trip.
 */
export type CaseAction = "note" | "escalate" | "close" | "sar";

export const CASE_TEXT: Record<CaseAction, { label: string; min: number; max: number }> = {
  note: { label: "Note", min: 1, max: 10_000 },
  escalate: { label: "Reason for escalating", min: 3, max: 10_000 },
  close: { label: "Resolution", min: 3, max: 10_000 },
  // FinCEN's SAR narrative holds up to 20,000 characters; a useful one says who, what, when, where and why.
  sar: { label: "SAR narrative", min: 20, max: 20_000 },
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function caseTextError(action: CaseAction, value: string): string | null {
  const { label, min, max } = CASE_TEXT[action];
  if (CONTROL.test(value)) return `${label} may not contain control characters.`;
  const length = value.trim().length;
  if (length < min) return min === 1 ? `${label} is empty.` : `${label} needs at least ${min} characters.`;
  if (length > max) return `${label} may have at most ${max.toLocaleString("en-US")} characters.`;
  return null;
}

export const OPEN_CASE_STATUSES = ["OPEN", "UNDER_REVIEW", "ESCALATED"] as const;
export const CLOSED_CASE_STATUSES = ["CLOSED_NO_ACTION", "SAR_FILED"] as const;

export const isOpenCase = (status: string) => (OPEN_CASE_STATUSES as readonly string[]).includes(status);

/** Whole days since an instant: the queue's "age". */
export function ageInDays(iso: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - new Date(iso).getTime()) / 86_400_000));
}

export const personName = (person: { firstName: string; lastName: string } | null | undefined, fallbackId: string) =>
  person ? `${person.firstName} ${person.lastName}` : `${fallbackId.slice(0, 8)}…`;

export const statusLabel = (status: string) => status.toLowerCase().replace(/_/g, " ");
