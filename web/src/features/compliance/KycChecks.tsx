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

/** What each of the server's check ids means to a person; an id not listed falls back to a readable form of itself. */
const CHECK_LABEL: Record<string, string> = {
  document_number_format: "Document number format",
  document_not_expired: "Document not expired",
  minimum_age: "Minimum age",
  country_codes: "Country codes",
  country_risk: "Country risk",
  date_of_birth_matches_profile: "Date of birth matches your profile",
  mrz_present: "Machine-readable zone present",
  mrz_format: "Machine-readable zone format",
  mrz_matches_submitted: "Machine-readable zone matches the form",
  mrz_check_digit_documentNumber: "Check digit: document number",
  mrz_check_digit_birthDate: "Check digit: date of birth",
  mrz_check_digit_expiryDate: "Check digit: expiry date",
  mrz_check_digit_optionalData: "Check digit: optional data",
  mrz_check_digit_composite: "Check digit: whole zone",
  sanctions_screening: "Sanctions screening",
};

export function kycCheckLabel(name: string): string {
  if (CHECK_LABEL[name]) return CHECK_LABEL[name];
  const words = name.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Each check the server ran, passed or not, with its detail ("high-risk jurisdiction: IR"), named for people. */
export function KycChecks({ checks }: { checks: KycVerificationFieldsFragment["checks"] }) {
  return (
    <ul className="checks" data-testid="kyc-checks">
      {checks.map((check) => (
        <li key={check.name} className={check.passed ? "up" : "down"} data-check={check.name}>
          <span aria-hidden>{check.passed ? "✓" : "✗"}</span> {kycCheckLabel(check.name)}
          <span className="sr-only">{check.passed ? " passed" : " failed"}</span>
          {check.detail && <span className="muted"> — {check.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
