import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { CONTRACT_ERROR_CODES } from "../infra/errors";
import type { Logger } from "../infra/logger";

/** Errors about the request itself (syntax, unknown fields, wrong variable types): the caller's to fix. */
const REQUEST_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/**
 * The one error mapper, for HTTP and WebSocket alike. Expected outcomes keep their message and
 * a contract code; everything else is a bug or an outage and leaves as INTERNAL_SERVER_ERROR
 * with a generic message and the request id, while the details go to the log only.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  raw: unknown,
  log: Logger,
  requestId: string | undefined,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const cause = unwrapResolverError(raw);
  const generatedByGraphql = raw instanceof GraphQLError && raw.originalError === undefined;
  if (typeof code === "string" && CONTRACT_ERROR_CODES.has(code) && code !== "INTERNAL_SERVER_ERROR") {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: publicExtensions(formatted) };
  }
  if ((typeof code === "string" && REQUEST_ERROR_CODES.has(code)) || (code === undefined && generatedByGraphql)) {
    return {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: "BAD_USER_INPUT" },
    };
  }
  if (isClientGone(cause)) {
    // The peer closed its socket mid-answer (a closed tab): nothing on our side is wrong, and
    // an error-level line for it would drown the ones that matter.
    log.debug({ code: (cause as NodeJS.ErrnoException).code, path: formatted.path, requestId }, "client went away");
  } else {
    log.error({ err: cause, path: formatted.path, requestId }, "internal error");
  }
  return {
    message: "Internal server error",
    path: formatted.path,
    extensions: { code: "INTERNAL_SERVER_ERROR", ...(requestId ? { requestId } : {}) },
  };
}

function publicExtensions(formatted: GraphQLFormattedError): Record<string, unknown> {
  // Apollo adds a stack trace outside production; it never leaves the server.
  const { stacktrace: _stacktrace, ...rest } = formatted.extensions ?? {};
  return rest;
}

const CLIENT_GONE = new Set(["EPIPE", "ECONNRESET", "ECONNABORTED", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

function isClientGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CLIENT_GONE.has(code);
}
