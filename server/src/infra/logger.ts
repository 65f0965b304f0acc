import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";

export type { Logger };

interface RequestScope {
  requestId: string;
}

const requestScope = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `requestId` attached to every log line written inside it, however deep. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "blockguardian" },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      // Credentials never reach a log line, whatever object a caller hands to the logger.
      redact: {
        paths: [
          "password",
          "*.password",
          "token",
          "*.token",
          "accessToken",
          "refreshToken",
          "secret",
          "*.secret",
          "authorization",
          "*.authorization",
          "headers.authorization",
          "req.headers.authorization",
          "variables.password",
          // TypeORM errors carry the statement's parameters (emails, hashes, names).
          "err.parameters",
          "err.driverError",
          "err.query",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
