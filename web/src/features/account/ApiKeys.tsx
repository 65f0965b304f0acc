import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { ApiKeysDocument, useApiKeysQuery, useCreateApiKeyMutation, useRevokeApiKeyMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";

const SCOPES = [
  ["read:market", "Market data"],
  ["read:portfolios", "Portfolios"],
  ["read:orders", "Orders"],
  ["trade", "Place and cancel orders"],
  ["read:profile", "Profile"],
  ["read:reports", "Reports"],
] as const;

/** Partner keys: created with scopes, the secret shown once to copy, revocable at once. */
export function ApiKeys() {
  const { data, loading, error, refetch } = useApiKeysQuery();
  const [create, createState] = useCreateApiKeyMutation({ refetchQueries: [ApiKeysDocument] });
  const [revoke] = useRevokeApiKeyMutation();
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFormError(null);
    try {
      const result = await create({ variables: { name: String(form.get("name")), scopes: form.getAll("scope").map(String) } });
      if (result.data) {
        setSecret(result.data.createApiKey.secret);
        setCopied(false);
        (event.target as HTMLFormElement).reset();
      }
    } catch (e) {
      setFormError(errorMessage(e));
    }
  }

  return (
    <div className="stack">
      <form onSubmit={submit} className="stack" aria-label="New API key">
        <Field label="Key name" name="name" required maxLength={64} placeholder="Reporting integration" />
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {SCOPES.map(([value, label]) => (
            <label key={value} className="check">
              <input type="checkbox" name="scope" value={value} defaultChecked={value === "read:market"} /> {label} <code>{value}</code>
            </label>
          ))}
        </fieldset>
        <FormError message={formError} />
        <button type="submit" className="primary" disabled={createState.loading}>
          Create key
        </button>
      </form>
      {secret && (
        <div className="notice stack" data-testid="api-key-secret">
          <p>Copy the key now: it is shown only once. Send it as <code>Authorization: ApiKey &lt;key&gt;</code>.</p>
          <code className="secret">{secret}</code>
          <div className="row">
            <button
              type="button"
              onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => setCopied(false))}
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {loading && !data ? (
        <Loading label="Loading keys…" />
      ) : error ? (
        <ErrorState message="Your keys could not be loaded." onRetry={() => void refetch()} />
      ) : !data?.apiKeys.length ? (
        <Empty>No API keys yet.</Empty>
      ) : (
        <table className="grid" data-testid="api-keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Last used</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {data.apiKeys.map((key) => (
              <tr key={key.id} className={key.revokedAt ? "revoked" : undefined}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>{key.scopes.join(", ")}</td>
                <td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : "never"}</td>
                <td className="num">
                  {key.revokedAt ? (
                    <span className="muted">revoked</span>
                  ) : (
                    <button type="button" className="danger" onClick={() => void revoke({ variables: { id: key.id } })}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
