import { type FormEvent, useState } from "react";
import { FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { Link } from "react-router";
import { type KycReviewQueueQuery, KycReviewQueueDocument, useDecideKycMutation, useKycReviewQueueQuery } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";
import { personName } from "./case-rules";
import { IdentityCells, IdentityHeaders, identityLine } from "./CustomerIdentity";
import { KycChecks, KycStatusBadge, kycCheckLabel } from "./KycChecks";

type QueueItem = KycReviewQueueQuery["kycVerifications"][number];

/** The review queue (waiting, oldest first) and its history (decided items stay visible, newest first). */
export function ReviewQueue() {
  const [view, setView] = useState<"waiting" | "decided">("waiting");
  return (
    <div className="stack">
      <div className="row" role="group" aria-label="Review queue view">
        <button type="button" aria-pressed={view === "waiting"} onClick={() => setView("waiting")}>
          Waiting
        </button>
        <button type="button" aria-pressed={view === "decided"} onClick={() => setView("decided")}>
          Decided
        </button>
      </div>
      {view === "waiting" ? <Waiting /> : <Decided />}
    </div>
  );
}

/** Verifications a risk check sent to a person (high-risk country, possible sanctions match), oldest first. */
function Waiting() {
  const { data, loading, error, refetch } = useKycReviewQueueQuery({ variables: { status: "MANUAL_REVIEW" }, fetchPolicy: "cache-and-network" });
  if (loading && !data) return <Loading label="Loading the review queue…" />;
  if (error && !data) return <ErrorState message="The review queue could not be loaded." onRetry={() => void refetch()} />;
  const queue = [...(data?.kycVerifications ?? [])].filter((v) => v.status === "MANUAL_REVIEW").sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
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

/** Decided verifications, newest decision first, filtered by outcome. */
function Decided() {
  const [outcome, setOutcome] = useState<"all" | "VERIFIED" | "REJECTED">("all");
  const { data, loading, error, refetch } = useKycReviewQueueQuery({ variables: {}, fetchPolicy: "cache-and-network" });
  if (loading && !data) return <Loading label="Loading decided verifications…" />;
  if (error && !data) return <ErrorState message="Decided verifications could not be loaded." onRetry={() => void refetch()} />;
  const decided = (data?.kycVerifications ?? [])
    .filter((v) => v.decidedAt && (v.status === "VERIFIED" || v.status === "REJECTED") && (outcome === "all" || v.status === outcome))
    .sort((a, b) => b.decidedAt!.localeCompare(a.decidedAt!));
  return (
    <div className="stack">
      <label>
        Outcome{" "}
        <select value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)}>
          <option value="all">All</option>
          <option value="VERIFIED">Verified</option>
          <option value="REJECTED">Rejected</option>
        </select>
      </label>
      {!decided.length ? (
        <Empty>No decided verification.</Empty>
      ) : (
        <table className="grid" data-testid="decided-verifications">
          <thead>
            <tr>
              <th scope="col">Decided</th>
              <th scope="col">Customer</th>
              <IdentityHeaders />
              <th scope="col">Outcome</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {decided.map((v) => (
              <tr key={v.id}>
                <td>{new Date(v.decidedAt!).toLocaleString()}</td>
                <td>
                  <CustomerLink item={v} />
                </td>
                <IdentityCells identity={v.identity ?? { documentType: v.documentType }} />
                <td>
                  <KycStatusBadge status={v.status} testId={`decided-${v.id}`} />
                </td>
                <td className="narrative">{v.reason ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const CustomerLink = ({ item }: { item: QueueItem }) => <Link to={`/compliance/customers/${item.userId}`}>{personName(item.customer, item.userId)}</Link>;

function ReviewItem({ verification }: { verification: QueueItem }) {
  const [decide, { loading }] = useDecideKycMutation({ refetchQueries: [KycReviewQueueDocument], awaitRefetchQueries: true });
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const failed = verification.checks.filter((c) => !c.passed);
  // The server refuses to approve an implausible document (issue 17: it never reaches VERIFIED).
  const implausible = failed.some((c) => c.name === "document_expiry_plausible");

  async function submit(approve: boolean, event?: FormEvent) {
    event?.preventDefault();
    setError(null);
    const trimmed = reason.trim();
    // The decision and its reason go into the audit chain; the server asks for 3 to 2,000 characters.
    if (trimmed.length < 3) return setError("Give a reason for the decision (at least 3 characters).");
    try {
      const { data } = await decide({ variables: { input: { verificationId: verification.id, approve, reason: trimmed } } });
      if (data) toast("success", approve ? "Verification approved" : "Verification rejected", personName(verification.customer, verification.userId));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(!implausible, e)} aria-label={`Review of ${verification.id}`}>
      <div className="row spread">
        <span>
          <CustomerLink item={verification} /> · {identityLine(verification.identity) ?? verification.documentType.replace("_", " ").toLowerCase()}
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
        {implausible ? (
          <span className="muted" data-testid="approve-refused">
            An implausible document cannot be approved.
          </span>
        ) : (
          <button type="submit" className="primary" disabled={loading}>
            Approve
          </button>
        )}
        <button type="button" className="danger" disabled={loading} onClick={() => void submit(false)}>
          Reject
        </button>
      </div>
    </form>
  );
}
