import type { KycVerificationFieldsFragment } from "../../gql/graphql";

const STATUS_LABEL: Record<string, string> = {
  NOT_STARTED: "Not started",
  PENDING: "Pending",
  MANUAL_REVIEW: "In review",
  VERIFIED: "Verified",
  REJECTED: "Rejected",
};

export const kycStatusLabel = (status: string) => STATUS_LABEL[status] ?? status;

export function KycStatusBadge({ status, testId = "kyc-status" }: { status: string; testId?: string }) {
  return (
    <span className={`badge kyc-${status.toLowerCase()}`} data-testid={testId}>
      {kycStatusLabel(status)}
    </span>
  );
}

/** Each check the server ran, passed or not, with its detail ("high-risk jurisdiction: IR"). */
export function KycChecks({ checks }: { checks: KycVerificationFieldsFragment["checks"] }) {
  return (
    <ul className="checks" data-testid="kyc-checks">
      {checks.map((check) => (
        <li key={check.name} className={check.passed ? "up" : "down"} data-check={check.name}>
          <span aria-hidden>{check.passed ? "✓" : "✗"}</span> <code>{check.name}</code>
          <span className="sr-only">{check.passed ? " passed" : " failed"}</span>
          {check.detail && <span className="muted"> — {check.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
