import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { type DocumentNode, type ExecutionArgs, GraphQLError, type GraphQLFormattedError, type GraphQLSchema, parse, specifiedRules, validate } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import proxyAddr from "proxy-addr";
import { WebSocketServer, type WebSocket } from "ws";
import type { Authentication } from "../identity";
import { AppError } from "../infra/errors";
import type { Logger } from "../infra/logger";
import { type PubSub, type SessionRevokedEvent, topics } from "../infra/pubsub";
import type { AbuseGuard, CostReport } from "./abuse/abuse-guard";
import type { Context, Services } from "./context";
import { formatError } from "./errors";
import { assertIntrospectionAllowed, type IntrospectionPolicy } from "./introspection";
import type { Metrics } from "./metrics";
import { subscribeSharingEvents } from "./shared-subscriptions";

interface Connection {
  socket: WebSocket;
  auth?: Authentication;
  expiryTimer?: NodeJS.Timeout;
  requestIds: Map<string, string>;
  /** Set the moment credentials are withdrawn: nothing more runs on this socket. */
  revoked: boolean;
  /** Revocations that arrived while the connection was still authenticating. */
  pendingRevocations: SessionRevokedEvent[];
}

/** Parsed and validated operations kept, by their text: thousands of clients send the same few. */
const CHECKED_CAPACITY = 1_000;
/** Longer operations are checked every time rather than kept. */
const CHECKED_MAX_LENGTH = 8_192;

/** The same notion of the client's address as express's `trust proxy: loopback`. */

export interface WebSocketDeps {
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY). */
  trustProxy?: string[];
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  pubsub: PubSub;
  guard: AbuseGuard;
  metrics: Metrics;
  log: Logger;
  context(requestId: string, auth: Authentication): Context;
  isStopping(): boolean;
  introspection: IntrospectionPolicy;
}

/**
 * graphql-ws on the HTTP server's port and path. A connection authenticates once, with the
 * `authorization` field of connection_init; it is closed (4401) when its token expires or its
 * credentials are revoked anywhere in the cluster.
 */
export async function attachGraphqlWs(deps: WebSocketDeps) {
  const trusted = proxyAddr.compile(deps.trustProxy ?? ["loopback"]);
  const { log, metrics, guard } = deps;
  const connections = new Set<Connection>();
  const wsServer = new WebSocketServer({ server: deps.httpServer, path: "/graphql", maxPayload: 1024 * 1024 });
  const format = (errors: readonly GraphQLError[], requestId: string): GraphQLFormattedError[] =>
    errors.map((error) => formatError(error.toJSON(), error, log, requestId));
  /**
   * Parses and validates an operation once per distinct text. A document is never mutated by
   * execution, so every subscriber of the same text shares one; the cost rule, which depends on
   * the variables and the caller's bucket, still runs per subscription.
   */
  const checked = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();
  const check = (query: string) => {
    const known = checked.get(query);
    if (known) return known;
    let outcome: { document: DocumentNode } | { errors: readonly GraphQLError[] };
    try {
      const document = parse(query);
      const errors = validate(deps.schema, document, [...specifiedRules, ...guard.validationRules]);
      outcome = errors.length > 0 ? { errors } : { document };
    } catch (error) {
      outcome = { errors: [error as GraphQLError] };
    }
    if (query.length <= CHECKED_MAX_LENGTH) {
      if (checked.size >= CHECKED_CAPACITY) checked.delete(checked.keys().next().value!);
      checked.set(query, outcome);
    }
    return outcome;
  };
  const requestIdOf = (connection: Connection, operationId: string) => {
    let requestId = connection.requestIds.get(operationId);
    if (!requestId) connection.requestIds.set(operationId, (requestId = randomUUID()));
    return requestId;
  };
  const closeConnection = (connection: Connection, reason: string) => {
    connection.revoked = true;
    connection.socket.close(CloseCode.Unauthorized, reason);
    // A peer that ignores the close frame would keep the socket (and its messages) for 30 s.
    setTimeout(() => connection.socket.terminate(), 1_000).unref();
  };

  const server = useServer<Record<string, unknown>, { connection: Connection }>(
    {
      schema: deps.schema,
      // Public market data executes once per event and selection, not once per subscriber.
      subscribe: subscribeSharingEvents,
      onConnect: async (ctx) => {
        if (deps.isStopping()) return false;
        const connection: Connection = { socket: ctx.extra.socket, requestIds: new Map(), revoked: false, pendingRevocations: [] };
        ctx.extra.connection = connection;
        connections.add(connection);
        ctx.extra.socket.once("close", () => {
          clearTimeout(connection.expiryTimer);
          connections.delete(connection);
        });
        const ip = proxyAddr(ctx.extra.request, trusted);
        try {
          connection.auth = await deps.services.authenticator.authenticate(ctx.connectionParams?.authorization, ip);
        } catch (error) {
          // 4403 as graphql-ws would, but saying why (the same message HTTP gives) rather than
          // only "Forbidden". A close reason is at most 123 bytes.
          const reason = error instanceof AppError ? error.message.slice(0, 120) : "Forbidden";
          ctx.extra.socket.close(CloseCode.Forbidden, reason);
          return false;
        }
        if (connection.pendingRevocations.some((event) => matches(connection, event))) return false;
        const principal = connection.auth.session.principal;
        if (principal.kind === "user") {
          connection.expiryTimer = setTimeout(() => closeConnection(connection, "Token expired"), Math.max(0, principal.expiresAt.getTime() - Date.now()));
          connection.expiryTimer.unref();
        }
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = ctx.extra.connection!;
        if (connection.revoked) return [new GraphQLError("Credentials revoked", { extensions: { code: "UNAUTHENTICATED" } })];
        const requestId = requestIdOf(connection, id);
        const outcome = check(payload.query);
        if ("errors" in outcome) return [...outcome.errors];
        const { document } = outcome;
        // The account read when the connection opened may have changed since: `me` reads it again.
        const contextValue = deps.context(requestId, { ...connection.auth!, account: null });
        const report: CostReport = { requestedQueryCost: null, throttleStatus: null };
        try {
          assertIntrospectionAllowed(deps.introspection, contextValue.session, document);
          await guard.admit(contextValue.session.rateLimitKey, document, payload.variables ?? undefined, payload.operationName, report);
          contextValue.cost = report;
        } catch (error) {
          await guard.noteOutcome(contextValue.session.rateLimitKey, [(error as GraphQLError).extensions?.code as string]);
          return [error as GraphQLError];
        }
        return { schema: deps.schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue } satisfies ExecutionArgs;
      },
      onError: (ctx, id, _payload, errors) => format(errors, requestIdOf(ctx.extra.connection!, id)),
      onNext: (ctx, id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors, requestIdOf(ctx.extra.connection!, id)) } : undefined,
      onComplete: (ctx, id) => {
        ctx.extra.connection?.requestIds.delete(id);
      },
    },
    wsServer,
  );

  wsServer.on("connection", (socket) => {
    metrics.webSocketConnections.inc();
    socket.once("close", () => metrics.webSocketConnections.dec());
  });
  const revocations = deps.pubsub.subscribe([topics.sessionsRevoked()]);
  void (async () => {
    for await (const event of revocations) {
      for (const connection of connections) {
        if (!connection.auth) connection.pendingRevocations.push(event);
        else if (matches(connection, event)) closeConnection(connection, "Credentials revoked");
      }
    }
  })().catch((error: unknown) => log.error({ err: error }, "revocation listener stopped"));

  return {
    dispose: async () => {
      await revocations.return?.();
      await server.dispose();
    },
  };
}

function matches(connection: Connection, event: SessionRevokedEvent): boolean {
  const principal = connection.auth?.session.principal;
  if (!principal || principal.kind === "anonymous") return false;
  if (event.userId && principal.userId === event.userId) return true;
  if (principal.kind === "apiKey") return event.apiKeyId === principal.apiKeyId;
  return event.tokenId === principal.tokenId || event.familyId === connection.auth?.access?.familyId;
}
