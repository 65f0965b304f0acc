import { Session } from "../identity";
import { AppError, type ErrorCode } from "../infra/errors";

/**
 * Commands and answers as they cross Redis: JSON, with money (bigint), times and the caller's
 * session tagged so they come back as they left. Money travels as decimal strings of its
 * integer representation, never as a JSON number.
 */
const BIGINT = "$n";
const DATE = "$d";
const SESSION = "$s";

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (typeof raw === "bigint") return { [BIGINT]: raw.toString() };
    if (raw instanceof Date) return { [DATE]: raw.toISOString() };
    if (raw instanceof Session) return { [SESSION]: { principal: raw.principal, ip: raw.ip } };
    return v;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const tagged = v as Record<string, unknown>;
    const keys = Object.keys(tagged);
    if (keys.length !== 1) return v;
    if (keys[0] === BIGINT) return BigInt(tagged[BIGINT] as string);
    if (keys[0] === DATE) return new Date(tagged[DATE] as string);
    if (keys[0] === SESSION) {
      const { principal, ip } = tagged[SESSION] as { principal: Session["principal"]; ip: string };
      return new Session(principal, ip);
    }
    return v;
  }) as T;
}

/** An answer: the value, or a typed refusal the caller sees as it is. Anything else is internal. */
export type Reply = { ok: true; value: unknown } | { ok: false; code: ErrorCode; message: string; extensions: Record<string, unknown> };

export function replyOf(result: { value?: unknown; error?: unknown }): Reply {
  if (!("error" in result) || result.error === undefined) return { ok: true, value: result.value };
  const error = result.error;
  if (error instanceof AppError) {
    const { code, ...extensions } = error.extensions as { code: ErrorCode } & Record<string, unknown>;
    return { ok: false, code, message: error.message, extensions };
  }
  // Internals stay in the sequencer's log; the caller learns only that it failed.
  return { ok: false, code: "INTERNAL_SERVER_ERROR", message: "Internal server error", extensions: {} };
}

export function settle(reply: Reply): unknown {
  if (reply.ok) return reply.value;
  if (reply.code === "INTERNAL_SERVER_ERROR") throw new Error(reply.message);
  throw new AppError(reply.code, reply.message, reply.extensions);
}
