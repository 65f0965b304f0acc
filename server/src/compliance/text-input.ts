import { badUserInput } from "../infra/errors";

/**
 * The edge checks of the free text officers write (notes, resolutions, escalation reasons, SAR
 * narratives). Kept in one place so it can be swapped for the platform's shared string
 * validation: no NUL or other control characters (line breaks and tabs allowed), trimmed,
 * within a length. FinCEN's SAR narrative field holds up to 20,000 characters.
 */
export const TEXT_LIMITS = {
  note: { min: 1, max: 10_000 },
  reason: { min: 3, max: 10_000 },
  resolution: { min: 3, max: 10_000 },
  narrative: { min: 20, max: 20_000 },
} as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function officerText(value: string, field: string, kind: keyof typeof TEXT_LIMITS): string {
  const { min, max } = TEXT_LIMITS[kind];
  if (CONTROL.test(value)) throw badUserInput(`${field} may not contain control characters`, field);
  const text = value.trim();
  if (text.length < min || text.length > max) throw badUserInput(`${field} must be ${min} to ${max.toLocaleString("en-US")} characters`, field);
  return text;
}
