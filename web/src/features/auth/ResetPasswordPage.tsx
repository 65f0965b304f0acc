import { type FormEvent, useState } from "react";
import { Link, useLocation } from "react-router";
import { Field, FormError } from "../../components/ui/Field";
import { useResetPasswordMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";

/**
 * The page a reset mail links to: `/reset-password#token=…`. The token travels in the fragment,
 * which browsers never send to a server, so it stays out of access logs and Referer headers.
 */
export function ResetPasswordPage() {
  const location = useLocation();
  const [token] = useState(() => new URLSearchParams(location.hash.replace(/^#/, "")).get("token") ?? "");
  const [reset, state] = useResetPasswordMutation();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    try {
      await reset({ variables: { token, newPassword: String(new FormData(event.currentTarget).get("newPassword")) } });
      setDone(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (!token) {
    return (
      <section className="card narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">Choose a new password</h1>
        <p role="alert">This link is incomplete. Open the link from the mail as it is, or ask for a new one.</p>
        <p className="muted">
          <Link to="/forgot-password">Send a new link</Link>
        </p>
      </section>
    );
  }

  if (done) {
    return (
      <section className="card narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">Password changed</h1>
        <p role="status">Your password was changed and every session was signed out. Sign in with the new password.</p>
        <p>
          <Link to="/login">Sign in</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <form onSubmit={submit} className="stack">
        <Field label="New password" name="newPassword" type="password" autoComplete="new-password" minLength={12} required hint="At least 12 characters." />
        <FormError message={error} />
        <button type="submit" className="primary" disabled={state.loading}>
          {state.loading ? "Saving…" : "Set new password"}
        </button>
      </form>
      <p className="muted">
        Link expired or already used? <Link to="/forgot-password">Send a new link</Link>
      </p>
    </section>
  );
}
