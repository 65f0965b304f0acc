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
  ["transfer", "Deposit and withdraw"],
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
      const expires = String(form.get("expires") ?? "");
      const networks = String(form.get("networks") ?? "").split(/[\s,]+/).filter(Boolean);
      const result = await create({
        variables: {
          name: String(form.get("name")),
          scopes: form.getAll("scope").map(String),
          // The end of the chosen day, UTC: the key works through that day.
          expiresAt: expires ? `${expires}T23:59:59.999Z` : null,
          allowedIps: networks,
          portfolioIds: form.getAll("portfolio").map(String),
        },
      });
      if (result.data) {
        setSecret(result.data.createApiKey.secret);
        setCopied(false);
        (event.target as HTMLFormElement).reset();
      }
    } catch (e) {
      setFormError(errorMessage(e));
    }
  }

  const names = new Map((data?.portfolios ?? []).map((p) => [p.id, p.name]));
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
        <Field label="Expires after (UTC day, optional)" name="expires" type="date" />
        <Field label="Allowed networks (optional)" name="networks" placeholder="203.0.113.0/24, 2001:db8::/32" hint="CIDR ranges or addresses; empty: anywhere." />
        {data?.portfolios.length ? (
          <fieldset className="scopes">
            <legend>Portfolios (none ticked: all of them)</legend>
            {data.portfolios.map((p) => (
              <label key={p.id} className="check">
                <input type="checkbox" name="portfolio" value={p.id} /> {p.name}
              </label>
            ))}
          </fieldset>
        ) : null}
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
              <th scope="col">Limits</th>
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
                <td data-testid="key-limits">{limitsOf(key, names)}</td>
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

/** A key's restrictions in a few words: "none" when it may be used anywhere, for ever, on every portfolio. */
function limitsOf(key: { expiresAt?: string | null; allowedIps: string[]; portfolioIds: string[] }, names: ReadonlyMap<string, string>): string {
  const parts = [
    key.expiresAt ? `until ${new Date(key.expiresAt).toLocaleDateString()}` : null,
    key.allowedIps.length ? `from ${key.allowedIps.join(", ")}` : null,
    key.portfolioIds.length ? `on ${key.portfolioIds.map((id) => names.get(id) ?? "a deleted portfolio").join(", ")}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "none";
}
