import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode, print } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { from, mergeMap, type Observable, of, switchMap, timer as delay } from "rxjs";
import { config } from "../config";
import { RefreshSessionDocument, type RefreshSessionMutation } from "../gql/graphql";
import { accessTokenStale, currentSession, type Session, setSession, subscribeSession } from "./session";
import { toast } from "./toast";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

let refreshing: Promise<Session | null> | null = null;

/** Asks the server to keep the refresh token in its httpOnly cookie (see docs/security.md). */
export const SESSION_COOKIE_HEADER = "x-session-cookie";

/**
 * Spends the refresh token for a new pair, once at a time however many requests ask: the server
 * rotates refresh tokens and treats a reused one as theft (it revokes the whole family).
 */
export function refreshSession(): Promise<Session | null> {
  const session = currentSession();
  if (!session) return Promise.resolve(null);
  refreshing ??= (async () => {
    try {
      // The refresh token lives in an httpOnly cookie the server set (cookie mode): "" asks it to use that.
      const response = await fetch(config.graphqlHttpUrl, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json", [SESSION_COOKIE_HEADER]: "1" },
        body: JSON.stringify({ query: print(RefreshSessionDocument), variables: { refreshToken: session.refreshToken } }),
      });
      const body = (await response.json()) as { data?: RefreshSessionMutation | null; errors?: unknown[] };
      const next = body.data?.refreshToken ?? null;
      // A refused refresh (expired, revoked, reused) ends the session; a network failure keeps it for a retry.
      if (next) setSession(next);
      else if (body.errors) setSession(null);
      return next;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function freshAuthorization(): Promise<string | undefined> {
  let session = currentSession();
  if (session && accessTokenStale(session)) session = (await refreshSession()) ?? currentSession();
  return session ? `Bearer ${session.accessToken}` : undefined;
}

const isUnauthenticated = (error: unknown) =>
  CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === "UNAUTHENTICATED");

const RATE_LIMIT_ATTEMPTS = 6;

/**
 * The server spends a per-user budget of query-cost points that refills within seconds, and
 * answers RATE_LIMITED with the wait it needs. This link waits that long and asks again (a few
 * times), so a burst of screens loading at once is slowed down rather than shown as an error.
 */
export const rateLimitRetryLink = new ApolloLink((operation, forward) => {
  const attempt = (n: number): Observable<ApolloLink.Result> =>
    forward(operation).pipe(
      mergeMap((result) => {
        const limited = result.errors?.find((e) => e.extensions?.code === "RATE_LIMITED");
        const seconds = Number(limited?.extensions?.retryAfterSeconds);
        if (!limited || !(seconds >= 0 && seconds <= 10) || n + 1 >= RATE_LIMIT_ATTEMPTS) return of(result);
        return delay(seconds * 1000 + 50).pipe(switchMap(() => attempt(n + 1)));
      }),
    );
  return attempt(0);
});

/** Network failures and server bugs; expected outcomes (bad input, risk) are shown where they happen. */
function toastUnexpected(error: unknown): void {
  if (CombinedGraphQLErrors.is(error)) {
    const internal = error.errors.find((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR" || e.extensions?.code === "RATE_LIMITED");
    if (internal) toast("error", "The server could not complete the request", internal.message);
  } else if (ServerError.is(error)) {
    toast("error", `The server answered ${error.statusCode}`, "Try again in a moment.");
  } else if (error instanceof TypeError) {
    toast("error", "The server cannot be reached", "Check the connection; live data resumes when it is back.");
  }
}

export interface AppClient {
  client: ApolloClient;
  ws: Client;
  dispose(): void;
}

/**
 * One Apollo Client: queries and mutations over HTTP with the bearer token, subscriptions over
 * graphql-ws with the token in connection_init. An UNAUTHENTICATED answer refreshes the token
 * once and retries; the socket is restarted before its token expires (the server closes it with
 * 4401 then, which graphql-ws does not retry) and whenever the signed-in user changes.
 */
export function createAppClient(onConnectionState: (state: ConnectionState) => void): AppClient {
  let everConnected = false;
  const ws = createClient({
    url: config.graphqlWsUrl,
    // Always connected, so the badge tells the truth before the first subscription starts.
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 300 * 2 ** retries) * (0.5 + Math.random() / 2))),
    connectionParams: async () => {
      const authorization = await freshAuthorization();
      return authorization ? { authorization } : {};
    },
    on: {
      connecting: () => onConnectionState(everConnected ? "reconnecting" : "connecting"),
      connected: () => {
        everConnected = true;
        onConnectionState("live");
      },
      closed: (event) => {
        if ((event as CloseEvent | undefined)?.code === 4401) void refreshSession();
        onConnectionState(typeof navigator !== "undefined" && !navigator.onLine ? "offline" : "reconnecting");
      },
    },
  });

  const auth = new SetContextLink(async (previous) => {
    const authorization = await freshAuthorization();
    // Every request asks for cookie mode: sign-in, MFA and refresh answers then keep the refresh
    // token in an httpOnly cookie, out of reach of any script on the page.
    const headers = { ...previous.headers, [SESSION_COOKIE_HEADER]: "1" };
    return { headers: authorization ? { ...headers, authorization } : headers };
  });
  const errors = new ErrorLink(({ error, operation, forward }) => {
    const retried = operation.getContext().authRetried === true;
    if (isUnauthenticated(error) && currentSession() && !retried) {
      operation.setContext({ authRetried: true });
      return from(refreshSession()).pipe(switchMap(() => forward(operation)));
    }
    toastUnexpected(error);
  });
  const http = ApolloLink.from([errors, rateLimitRetryLink, auth, new HttpLink({ uri: config.graphqlHttpUrl, credentials: "include" })]);
  const link = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(ws),
    http,
  );
  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({ typePolicies: { Instrument: { keyFields: ["symbol"] } } }),
  });

  // Restart the socket when the user changes, and shortly before the access token expires.
  let userId = currentSession()?.user.id;
  let token = currentSession()?.accessToken;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    const session = currentSession();
    if (!session) return;
    const due = Date.parse(session.accessTokenExpiresAt) - Date.now() - 60_000;
    // setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days).
    timer = setTimeout(() => void refreshSession(), Math.min(2 ** 31 - 1, Math.max(1_000, due)));
  };
  const unsubscribe = subscribeSession(() => {
    const session = currentSession();
    if (session?.user.id !== userId) {
      userId = session?.user.id;
      if (!session) void client.clearStore();
      ws.terminate();
    } else if (session && session.accessToken !== token) {
      ws.terminate();
    }
    token = session?.accessToken;
    schedule();
  });
  schedule();
  return {
    client,
    ws,
    dispose() {
      clearTimeout(timer);
      unsubscribe();
      void ws.dispose();
    },
  };
}
