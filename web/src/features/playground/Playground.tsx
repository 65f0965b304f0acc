import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createClient } from "graphql-ws";
import { useEffect, useMemo, useState } from "react";
import { config } from "../../config";
import { refreshSession } from "../../lib/apollo";
import { accessTokenStale, currentSession, useSession } from "../../lib/session";
import { EXAMPLES } from "./examples";
import { currentOperation } from "./operation-name";

type Mode = { kind: "session" } | { kind: "apiKey"; key: string } | { kind: "anonymous" };

async function authorization(mode: Mode): Promise<string | undefined> {
  if (mode.kind === "apiKey") return mode.key ? `ApiKey ${mode.key.trim()}` : undefined;
  if (mode.kind === "anonymous") return undefined;
  let session = currentSession();
  if (session && accessTokenStale(session)) session = (await refreshSession()) ?? currentSession();
  return session ? `Bearer ${session.accessToken}` : undefined;
}

type Result = { errors?: Array<{ extensions?: { code?: string; retryAfterSeconds?: number } }> };
const rateLimitedFor = (result: unknown): number | null => {
  const limited = (result as Result | null)?.errors?.find((e) => e.extensions?.code === "RATE_LIMITED");
  const seconds = Number(limited?.extensions?.retryAfterSeconds);
  return limited && seconds >= 0 && seconds <= 10 ? seconds * 1000 : null;
};

/**
 * GraphiQL, self-hosted and lazily loaded (it brings Monaco: about 1.4 MB gzip). Requests carry
 * the signed-in user's token or a partner API key; subscriptions run over graphql-ws.
 */
export default function Playground() {
  const session = useSession();
  const [mode, setMode] = useState<Mode>(session ? { kind: "session" } : { kind: "anonymous" });
  const [keyDraft, setKeyDraft] = useState("");

  const { fetcher, dispose } = useMemo(() => {
    const ws = createClient({
      url: config.graphqlWsUrl,
      lazy: true,
      retryAttempts: 3,
      connectionParams: async () => {
        const value = await authorization(mode);
        return value ? { authorization: value } : {};
      },
    });
    const base = createGraphiQLFetcher({ url: config.graphqlHttpUrl, wsClient: ws });
    const withAuth: Fetcher = async (params, opts) => {
      const { operationName, documentAST } = currentOperation(params.query, params.operationName);
      const request = { ...params, operationName };
      for (let attempt = 0; ; attempt++) {
        const value = await authorization(mode);
        const headers = { ...(value ? { Authorization: value } : {}), ...opts?.headers };
        const result = await base(request, { ...opts, headers, ...(documentAST ? { documentAST } : {}) });
        // Queries spend the caller's cost budget; wait as the server asks rather than show the refusal.
        const wait = rateLimitedFor(result);
        if (wait === null || attempt >= 4) return result;
        await new Promise((resolve) => setTimeout(resolve, wait + 50));
      }
    };
    return { fetcher: withAuth, dispose: () => void ws.dispose() };
  }, [mode]);
  useEffect(() => dispose, [dispose]);

  return (
    <div className="playground" data-testid="playground">
      <div className="row playground-auth">
        <span className="muted">Run as</span>
        <label className="check">
          <input type="radio" name="mode" checked={mode.kind === "session"} disabled={!session} onChange={() => setMode({ kind: "session" })} />
          {session ? `me (${session.user.email})` : "me (sign in first)"}
        </label>
        <label className="check">
          <input type="radio" name="mode" checked={mode.kind === "apiKey"} onChange={() => setMode({ kind: "apiKey", key: keyDraft })} />
          API key
        </label>
        <input
          aria-label="API key"
          className="key-input"
          placeholder="prefix.secret"
          value={keyDraft}
          onChange={(e) => setKeyDraft(e.target.value)}
          onBlur={() => mode.kind === "apiKey" && setMode({ kind: "apiKey", key: keyDraft })}
        />
        <label className="check">
          <input type="radio" name="mode" checked={mode.kind === "anonymous"} onChange={() => setMode({ kind: "anonymous" })} />
          anonymous
        </label>
      </div>
      <div className="graphiql-host">
        <GraphiQL fetcher={fetcher} defaultTabs={EXAMPLES} defaultEditorToolsVisibility="variables" forcedTheme="dark" />
      </div>
    </div>
  );
}
