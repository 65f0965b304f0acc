import type { ConnectionState } from "../../lib/apollo";

const LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

/** The state of the real-time connection, always visible: prices on screen may be stale when not live. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span className={`badge badge-${state}`} role="status" aria-live="polite" data-testid="connection-state">
      {LABELS[state]}
    </span>
  );
}
