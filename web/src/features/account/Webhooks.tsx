import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useCreateWebhookMutation, useDeleteWebhookMutation, useWebhooksQuery, WebhookEvent, WebhooksDocument } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";

const EVENTS: ReadonlyArray<[WebhookEvent, string]> = [
  [WebhookEvent.OrderUpdated, "Order changes"],
  [WebhookEvent.Fill, "Fills"],
  [WebhookEvent.Transaction, "Deposits and withdrawals"],
  [WebhookEvent.KycDecided, "Identity verification decided"],
];

/** Webhooks: an https endpoint and its events; the signing secret shown once to copy. */
export function Webhooks() {
  const { data, loading, error, refetch } = useWebhooksQuery({ fetchPolicy: "cache-and-network" });
  const [create, createState] = useCreateWebhookMutation({ refetchQueries: [WebhooksDocument] });
  const [remove] = useDeleteWebhookMutation({ refetchQueries: [WebhooksDocument] });
  const [secret, setSecret] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setFormError(null);
    try {
      const result = await create({ variables: { url: String(form.get("url")).trim(), events: form.getAll("event").map(String) as WebhookEvent[] } });
      if (result.data) {
        setSecret(result.data.createWebhook.secret);
        formElement.reset();
      }
    } catch (e) {
      setFormError(errorMessage(e));
    }
  }

  return (
    <div className="stack">
      <form onSubmit={submit} className="stack" aria-label="New webhook">
        <Field label="Endpoint URL" name="url" type="url" required maxLength={2048} placeholder="https://example.com/blockguardian" hint="https, on a public address." />
        <fieldset className="scopes">
          <legend>Events</legend>
          {EVENTS.map(([value, label]) => (
            <label key={value} className="check">
              <input type="checkbox" name="event" value={value} defaultChecked={value === WebhookEvent.Fill} /> {label} <code>{value}</code>
            </label>
          ))}
        </fieldset>
        <FormError message={formError} />
        <button type="submit" className="primary" disabled={createState.loading}>
          Add webhook
        </button>
      </form>
      {secret && (
        <div className="notice stack" data-testid="webhook-secret">
          <p>
            Copy the signing secret now: it is shown only once. Verify each delivery's <code>BlockGuardian-Signature</code> with it (see the partner guide).
          </p>
          <code className="secret">{secret}</code>
          <div className="row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(secret)}>
              Copy
            </button>
            <button type="button" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {loading && !data ? (
        <Loading label="Loading webhooks…" />
      ) : error && !data ? (
        <ErrorState message="Your webhooks could not be loaded." onRetry={() => void refetch()} />
      ) : !data?.webhooks.length ? (
        <Empty>No webhooks yet.</Empty>
      ) : (
        <table className="grid" data-testid="webhooks">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Last delivery</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {data.webhooks.map((hook) => (
              <tr key={hook.id}>
                <td>
                  <code>{hook.url}</code>
                </td>
                <td>{hook.events.join(", ")}</td>
                <td>{hook.lastDeliveryAt ? `${new Date(hook.lastDeliveryAt).toLocaleString()}: ${hook.lastStatus ?? "no answer"}` : "none yet"}</td>
                <td className="num">
                  <button type="button" className="danger" onClick={() => void remove({ variables: { id: hook.id } })}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
