import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { useConfirmMfaMutation, useDisableMfaMutation, useEnableMfaMutation, useRegenerateBackupCodesMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { updateSessionUser } from "../../lib/session";

type Step = { kind: "off" } | { kind: "scan"; secret: string; qr: string } | { kind: "codes"; codes: string[] };

/**
 * Turning on two-factor sign-in: scan the QR code, confirm with a first code, then keep the
 * backup codes, which the server shows this once and stores only hashed.
 */
export function MfaSetup({ enabled, onChanged }: { enabled: boolean; onChanged?: () => void }) {
  const [step, setStep] = useState<Step>({ kind: "off" });
  const [error, setError] = useState<string | null>(null);
  const [enable, enableState] = useEnableMfaMutation();
  const [confirm, confirmState] = useConfirmMfaMutation();

  async function start() {
    setError(null);
    try {
      const { data } = await enable();
      if (data) setStep({ kind: "scan", secret: data.enableMfa.secret, qr: data.enableMfa.qrCodeDataUrl });
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code")).replace(/\s+/g, "");
    setError(null);
    try {
      const { data } = await confirm({ variables: { code } });
      if (data) {
        updateSessionUser({ mfaEnabled: true });
        setStep({ kind: "codes", codes: data.confirmMfa });
        onChanged?.();
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (step.kind === "codes") return <BackupCodes codes={step.codes} onDone={() => setStep({ kind: "off" })} />;
  if (enabled) return <MfaOn onCodes={(codes) => setStep({ kind: "codes", codes })} onDisabled={() => onChanged?.()} />;
  if (step.kind === "scan") {
    return (
      <div className="mfa-scan">
        <img src={step.qr} alt="QR code for your authenticator app" width={180} height={180} />
        <div className="stack">
          <p>Scan the code with an authenticator app, or enter this key by hand:</p>
          <code data-testid="mfa-secret">{step.secret}</code>
          <form onSubmit={submit} className="stack">
            <Field label="First code from the app" name="code" autoComplete="one-time-code" inputMode="numeric" required />
            <FormError message={error} />
            <button type="submit" className="primary" disabled={confirmState.loading}>
              {confirmState.loading ? "Confirming…" : "Confirm and turn on"}
            </button>
          </form>
        </div>
      </div>
    );
  }
  return (
    <div className="stack">
      <p data-testid="mfa-status">Two-factor sign-in is off. Turn it on to ask for a code from your phone at every sign-in.</p>
      <FormError message={error} />
      <button type="button" className="primary" onClick={() => void start()} disabled={enableState.loading}>
        {enableState.loading ? "Preparing…" : "Turn on two-factor sign-in"}
      </button>
    </div>
  );
}

/**
 * With two-factor sign-in on: new backup codes (the old ones stop working) or turning it off.
 * Both need a current code from the app, as the server does; a stale session is asked to sign in again.
 */
function MfaOn({ onCodes, onDisabled }: { onCodes: (codes: string[]) => void; onDisabled: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [disable, disableState] = useDisableMfaMutation();
  const [regenerate, regenerateState] = useRegenerateBackupCodesMutation();
  const busy = disableState.loading || regenerateState.loading;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const action = ((event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    const form = event.currentTarget;
    const code = String(new FormData(form).get("code")).replace(/\s+/g, "");
    setError(null);
    try {
      if (action === "disable") {
        const { data } = await disable({ variables: { code } });
        if (data?.disableMfa) {
          updateSessionUser({ mfaEnabled: false });
          onDisabled();
        }
      } else {
        const { data } = await regenerate({ variables: { code } });
        if (data) onCodes(data.regenerateBackupCodes);
      }
      form.reset();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <form onSubmit={submit} className="stack">
      <p data-testid="mfa-status">Two-factor sign-in is on.</p>
      <Field label="Current code from the app" name="code" autoComplete="one-time-code" inputMode="numeric" required />
      <FormError message={error} />
      <div className="row">
        <button type="submit" name="action" value="regenerate" disabled={busy}>
          New backup codes
        </button>
        <button type="submit" name="action" value="disable" className="danger" disabled={busy}>
          Turn off two-factor sign-in
        </button>
      </div>
    </form>
  );
}

function BackupCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const download = () => {
    const blob = new Blob([`BlockGuardian backup codes\nEach works once.\n\n${codes.join("\n")}\n`], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = "blockguardian-backup-codes.txt";
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="stack" data-testid="backup-codes">
      <p className="notice">
        Two-factor sign-in is on. Keep these backup codes somewhere safe: each signs you in once without your phone, and
        they are not shown again.
      </p>
      <ol className="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="row">
        <button type="button" onClick={download}>
          Download codes
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have saved them
        </button>
      </div>
    </div>
  );
}
