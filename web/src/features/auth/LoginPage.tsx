import { type FormEvent, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { Field, FormError } from "../../components/ui/Field";
import { useLoginMutation, useVerifyMfaMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { landingFor } from "../../lib/landing";
import { setSession } from "../../lib/session";

/** Email and password, then, for accounts with MFA, a TOTP code or one of the backup codes. */
export function LoginPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const [login, loginState] = useLoginMutation();
  const [verify, verifyState] = useVerifyMfaMutation();
  const [challenge, setChallenge] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Back to the screen that asked for a sign-in, or else to the one the user's roles can use.
  const next = (roles: readonly string[]) => (location.state as { from?: string } | null)?.from ?? landingFor(roles);

  async function submitPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      const { data } = await login({ variables: { email: String(form.get("email")), password: String(form.get("password")) } });
      const result = data?.login;
      if (result?.mfaRequired && result.mfaChallenge) setChallenge(result.mfaChallenge);
      else if (result?.auth) {
        setSession(result.auth);
        void navigate(next(result.auth.user.roles), { replace: true });
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code")).replace(/\s+/g, "");
    setError(null);
    try {
      const { data } = await verify({ variables: { mfaChallenge: challenge!, code } });
      if (data) {
        setSession(data.verifyMfa);
        void navigate(next(data.verifyMfa.user.roles), { replace: true });
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (challenge) {
    return (
      <section className="card narrow" aria-labelledby="mfa-title">
        <h1 id="mfa-title">Two-factor check</h1>
        <p className="muted">Enter the 6-digit code from your authenticator app, or one of your backup codes.</p>
        <form onSubmit={submitCode} className="stack">
          <Field label="Code" name="code" autoComplete="one-time-code" inputMode="text" required autoFocus />
          <FormError message={error} />
          <button type="submit" className="primary" disabled={verifyState.loading}>
            {verifyState.loading ? "Checking…" : "Verify"}
          </button>
          <button type="button" className="link" onClick={() => setChallenge(null)}>
            Use a different account
          </button>
        </form>
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <form onSubmit={submitPassword} className="stack">
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <FormError message={error} />
        <Link to="/forgot-password">Forgot password?</Link>
        <button type="submit" className="primary" disabled={loginState.loading}>
          {loginState.loading ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="muted">
        New here? <Link to="/register">Create an account</Link>
      </p>
    </section>
  );
}
