import { GraphQLError } from "graphql";

/** The error codes of the public contract. Clients branch on these, never on messages. */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "MFA_REQUIRED"
  | "KYC_REQUIRED"
  | "RISK_REJECTED"
  | "CONFLICT"
  | "UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

export const CONTRACT_ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "RATE_LIMITED",
  "MFA_REQUIRED",
  "KYC_REQUIRED",
  "RISK_REJECTED",
  "CONFLICT",
  "UNAVAILABLE",
  "INTERNAL_SERVER_ERROR",
]);

/**
 * An expected outcome the caller should see as it is: its message and extensions are public.
 * Anything thrown that is not an AppError is treated as a bug and hidden.
 */
export class AppError extends GraphQLError {
  constructor(code: Exclude<ErrorCode, "INTERNAL_SERVER_ERROR">, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = "AppError";
  }
}

export const badUserInput = (message: string, field?: string) =>
  new AppError("BAD_USER_INPUT", message, field ? { field } : {});

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

/** Retryable: no sequencer could take the command right now, and it will never be applied. */
export const unavailable = (retryAfter: number, message = "Trading is unavailable for a moment; retry") =>
  new AppError("UNAVAILABLE", message, { retryAfter });
