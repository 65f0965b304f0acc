import { ApolloClient, ApolloLink, InMemoryCache } from "@apollo/client";
import { ApolloProvider } from "@apollo/client/react";
import type { FormattedExecutionResult } from "graphql";
import type { ReactNode } from "react";
import { Observable, type Subscriber } from "rxjs";

export type ScriptedResult = FormattedExecutionResult<Record<string, unknown>>;
type Result = ScriptedResult;
type Handler = (variables: Record<string, unknown>) => Result | Promise<Result>;

/**
 * A real Apollo Client (cache, hooks, documents) over a scripted link: queries and mutations are
 * answered by handlers named after the operation, and a test pushes subscription events as the
 * server would. Every request is recorded so a test can assert what was (not) sent.
 */
export function scriptedClient(handlers: Record<string, Handler> = {}) {
  const calls: Array<{ operationName: string; variables: Record<string, unknown> }> = [];
  const subscribers = new Map<string, Set<Subscriber<Result>>>();
  const link = new ApolloLink(
    (operation) =>
      new Observable<Result>((observer) => {
        const operationName = operation.operationName ?? "";
        calls.push({ operationName, variables: operation.variables });
        if (operation.query.definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "subscription")) {
          const set = subscribers.get(operationName) ?? new Set();
          set.add(observer);
          subscribers.set(operationName, set);
          return () => set.delete(observer);
        }
        const handler = handlers[operationName];
        if (!handler) {
          observer.error(new Error(`no handler for ${operationName}`));
          return;
        }
        Promise.resolve(handler(operation.variables)).then(
          (result) => {
            observer.next(result);
            observer.complete();
          },
          (error) => observer.error(error),
        );
      }),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache({ typePolicies: { Instrument: { keyFields: ["symbol"] } } }) });
  return {
    client,
    calls,
    sent: (name: string) => calls.filter((c) => c.operationName === name),
    /** Delivers one subscription event to every open subscription of that operation. */
    push(operationName: string, data: Record<string, unknown>) {
      const set = subscribers.get(operationName);
      if (!set?.size) throw new Error(`nobody subscribed to ${operationName}`);
      for (const observer of set) observer.next({ data });
    },
    subscribed: (operationName: string) => (subscribers.get(operationName)?.size ?? 0) > 0,
    wrapper: ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>,
  };
}

/** A GraphQL error as the server sends it, with its contract code. */
export const graphqlError = (message: string, code: string, extra: Record<string, unknown> = {}): Result => ({
  data: null,
  errors: [{ message, extensions: { code, ...extra } }],
});
