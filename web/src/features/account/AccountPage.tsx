import { ErrorState, Loading } from "../../components/ui/States";
import { useMeQuery } from "../../gql/graphql";
import { ApiKeys } from "./ApiKeys";
import { ChangePassword } from "./ChangePassword";
import { MfaSetup } from "./MfaSetup";
import { Webhooks } from "./Webhooks";

export function AccountPage() {
  const { data, loading, error, refetch } = useMeQuery();
  if (loading && !data) return <Loading label="Loading your account…" />;
  if (error || !data) return <ErrorState message="Your account could not be loaded." onRetry={() => void refetch()} />;
  const me = data.me;
  return (
    <div className="stack">
      <h1>Account</h1>
      <section className="card">
        <h2>Profile</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>
            {me.firstName} {me.lastName}
          </dd>
          <dt>Email</dt>
          <dd>{me.email}</dd>
          <dt>Roles</dt>
          <dd>{me.roles.join(", ")}</dd>
          <dt>KYC</dt>
          <dd>{me.kycStatus.replace("_", " ").toLowerCase()}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <ChangePassword />
      </section>
      <section className="card" aria-labelledby="mfa-heading">
        <h2 id="mfa-heading">Two-factor sign-in</h2>
        <MfaSetup enabled={me.mfaEnabled} onChanged={() => void refetch()} />
      </section>
      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys for partners</h2>
        <ApiKeys />
      </section>
      <section className="card" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading">Webhooks</h2>
        <Webhooks />
      </section>
    </div>
  );
}
