import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useMyKycQuery } from "../../gql/graphql";
import { KycChecks, KycStatusBadge } from "./KycChecks";
import { KycForm } from "./KycForm";

const OUTCOME: Record<string, string> = {
  NOT_STARTED: "Verify your identity to deposit more than the unverified limit and to place larger orders.",
  PENDING: "Your document is being checked.",
  MANUAL_REVIEW: "A compliance officer is reviewing your document. You will see the decision here.",
  VERIFIED: "Your identity is verified: the unverified limits no longer apply.",
  REJECTED: "Your last submission was not accepted. Correct what failed and submit again.",
};

/** A customer's identity verification: their status, the latest submission's checks, and the form when one is due. */
export function KycPage() {
  const { data, loading, error, refetch } = useMyKycQuery({ fetchPolicy: "cache-and-network" });
  if (loading && !data) return <Loading label="Loading your verification…" />;
  if (error && !data) return <ErrorState message="Your verification could not be loaded." onRetry={() => void refetch()} />;
  if (!data) return null;
  const { me, kycVerifications } = data;
  const latest = [...kycVerifications].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))[0];
  const canSubmit = me.kycStatus === "NOT_STARTED" || me.kycStatus === "REJECTED";
  return (
    <div className="stack">
      <div className="row spread">
        <h1>Identity verification</h1>
        <KycStatusBadge status={me.kycStatus} />
      </div>
      <p>{OUTCOME[me.kycStatus]}</p>
      <section className="card" aria-labelledby="kyc-latest">
        <h2 id="kyc-latest">Latest submission</h2>
        {!latest ? (
          <Empty>Nothing submitted yet.</Empty>
        ) : (
          <div className="stack" data-testid="kyc-latest">
            <dl className="facts">
              <dt>Document</dt>
              <dd>{latest.documentType.replace("_", " ").toLowerCase()}</dd>
              <dt>Submitted</dt>
              <dd>{new Date(latest.submittedAt).toLocaleString()}</dd>
              <dt>Outcome</dt>
              <dd data-testid="kyc-outcome">
                <KycStatusBadge status={latest.status} testId="kyc-latest-status" />
              </dd>
              {latest.reason && (
                <>
                  <dt>Reason</dt>
                  <dd data-testid="kyc-reason">{latest.reason}</dd>
                </>
              )}
            </dl>
            <KycChecks checks={latest.checks} />
          </div>
        )}
      </section>
      {canSubmit && (
        <section className="card" aria-labelledby="kyc-submit">
          <h2 id="kyc-submit">Submit a document</h2>
          <KycForm fullName={`${me.firstName} ${me.lastName}`} />
        </section>
      )}
    </div>
  );
}
