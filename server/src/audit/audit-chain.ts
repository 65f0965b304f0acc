import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** The hash before the first event. */
export const GENESIS_HASH = "0".repeat(64);

export interface ChainedEvent {
  seq: string;
  timestamp: Date;
  eventType: string;
  userId: string | null;
  entityType: string | null;
  entityId: string | null;
  payload: Record<string, unknown>;
}

/**
 * `sha256(prevHash || canonical JSON of the event)`. RFC 8785 canonical JSON (sorted keys, one
 * number format) makes the hash independent of key order and of how jsonb stores the payload.
 */
export function chainHash(prevHash: string, event: ChainedEvent): string {
  const canonical = canonicalize({
    seq: event.seq,
    timestamp: event.timestamp.toISOString(),
    eventType: event.eventType,
    userId: event.userId,
    entityType: event.entityType,
    entityId: event.entityId,
    payload: event.payload,
  });
  return createHash("sha256").update(prevHash).update(canonical!).digest("hex");
}
