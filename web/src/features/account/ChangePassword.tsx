import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { useChangePasswordMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";

/**
 * The current password, then the new one. The server signs out every other session (a thief
 * holding one loses it), keeps this one, and counts a wrong current password toward the lockout.
 */
export function ChangePassword() {
  const [change, state] = useChangePasswordMutation();
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    setChanged(false);
    try {
      await change({ variables: { currentPassword: String(form.get("currentPassword")), newPassword: String(form.get("newPassword")) } });
      formElement.reset();
      setChanged(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <form onSubmit={submit} className="stack" aria-label="Change password">
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" minLength={12} required hint="At least 12 characters." />
      <FormError message={error} />
      {changed && (
        <p role="status" data-testid="password-changed">
          Password changed. Every other session (other browsers and devices) was signed out; this one stays signed in.
        </p>
      )}
      <button type="submit" className="primary" disabled={state.loading}>
        {state.loading ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
