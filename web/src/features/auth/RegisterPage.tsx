import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { Field, FormError } from "../../components/ui/Field";
import { useRegisterMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { setSession } from "../../lib/session";

export function RegisterPage() {
  const navigate = useNavigate();
  const [register, { loading }] = useRegisterMutation();
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim();
    setError(null);
    try {
      const { data } = await register({
        variables: {
          input: {
            firstName: value("firstName"),
            lastName: value("lastName"),
            email: value("email"),
            password: String(form.get("password")),
            country: value("country").toUpperCase() || undefined,
          },
        },
      });
      if (data) {
        setSession(data.register);
        void navigate("/portfolios", { replace: true });
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section className="card narrow" aria-labelledby="register-title">
      <h1 id="register-title">Create your account</h1>
      <form onSubmit={submit} className="stack">
        <div className="row">
          <Field label="First name" name="firstName" autoComplete="given-name" required />
          <Field label="Last name" name="lastName" autoComplete="family-name" required />
        </div>
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field label="Password" name="password" type="password" autoComplete="new-password" minLength={12} required hint="At least 12 characters." />
        <Field label="Country (ISO code, optional)" name="country" maxLength={2} placeholder="DE" />
        <FormError message={error} />
        <button type="submit" className="primary" disabled={loading}>
          {loading ? "Creating…" : "Create account"}
        </button>
      </form>
      <p className="muted">
        Already registered? <Link to="/login">Sign in</Link>
      </p>
    </section>
  );
}
