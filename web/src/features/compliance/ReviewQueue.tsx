import { type FormEvent, useState } from "react";
import { FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { type KycVerificationFieldsFragment, KycReviewQueueDocument, useDecideKycMutation, useKycReviewQueueQuery } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";
import { KycChecks, kycCheckLabel } from "./KycChecks";

/** Verifications a risk check sent to a person (high-risk country, possible sanctions match), oldest first. */
export function ReviewQueue() {
  const { data, loading, error, refetch } = useKycReviewQueueQuery({ fetchPolicy: "cache-and-network" });
  if (loading && !data) return <Loading label="Loading the review queue…" />;
  if (error && !data) return <ErrorState message="The review queue could not be loaded." onRetry={() => void refetch()} />;
  const queue = [...(data?.kycVerifications ?? [])].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  if (!queue.length) return <Empty>No verification is waiting for review.</Empty>;
  return (
    <ul className="stack plain" data-testid="review-queue">
      {queue.map((verification) => (
        <li key={verification.id} className="card" data-verification-id={verification.id}>
          <ReviewItem verification={verification} />
        </li>
      ))}
    </ul>
  );
}

function ReviewItem({ verification }: { verification: KycVerificationFieldsFragment }) {
  const [decide, { loading }] = useDecideKycMutation({ refetchQueries: [KycReviewQueueDocument], awaitRefetchQueries: true });
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const failed = verification.checks.filter((c) => !c.passed);

  async function submit(approve: boolean, event?: FormEvent) {
    event?.preventDefault();
    setError(null);
    const trimmed = reason.trim();
    // The decision and its reason go into the audit chain; the server asks for 3 to 2,000 characters.
    if (trimmed.length < 3) return setError("Give a reason for the decision (at least 3 characters).");
    try {
      const { data } = await decide({ variables: { input: { verificationId: verification.id, approve, reason: trimmed } } });
      if (data) toast("success", approve ? "Verification approved" : "Verification rejected", `Customer ${verification.userId.slice(0, 8)}…`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(true, e)} aria-label={`Review of ${verification.id}`}>
      <div className="row spread">
        <span>
          Customer <code>{verification.userId}</code> · {verification.documentType.replace("_", " ").toLowerCase()}
        </span>
        <span className="muted">submitted {new Date(verification.submittedAt).toLocaleString()}</span>
      </div>
      <p>
        Sent to review by: <strong>{failed.map((c) => kycCheckLabel(c.name)).join(", ") || "—"}</strong>
      </p>
      <KycChecks checks={verification.checks} />
      <div className="field">
        <label htmlFor={`reason-${verification.id}`}>Reason for the decision</label>
        <textarea id={`reason-${verification.id}`} rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <FormError message={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={loading}>
          Approve
        </button>
        <button type="button" className="danger" disabled={loading} onClick={() => void submit(false)}>
          Reject
        </button>
      </div>
    </form>
  );
}
