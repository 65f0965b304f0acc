import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { Field, FormError } from "../../components/ui/Field";
import { useRequestPasswordResetMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";

/**
 * Asks for a reset link. The answer is the same whether or not the address has an account (the
 * server always says yes), so this page cannot be used to find out who is a customer.
 */
export function ForgotPasswordPage() {
  const [request, state] = useRequestPasswordResetMutation();
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email")).trim();
    setError(null);
    try {
      await request({ variables: { email } });
      setSentTo(email);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (sentTo) {
    return (
      <section className="card narrow" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Check your mail</h1>
        <p role="status">
          If an account uses {sentTo}, a link to choose a new password is on its way. It works once, for 30 minutes.
        </p>
        <p className="muted">
          <Link to="/login">Back to sign in</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      <p className="muted">Enter the address you sign in with and we will mail you a link to choose a new password.</p>
      <form onSubmit={submit} className="stack">
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <FormError message={error} />
        <button type="submit" className="primary" disabled={state.loading}>
          {state.loading ? "Sending…" : "Send reset link"}
        </button>
      </form>
      <p className="muted">
        <Link to="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
