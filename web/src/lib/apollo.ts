import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode } from "graphql";
import { createClient } from "graphql-ws";
import { config } from "../config";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

/**
 * One Apollo Client: queries and mutations over HTTP, subscriptions over graphql-ws, which
 * reconnects for ever with back-off and reports its state for the status badge.
 */
export function createApolloClient(onConnectionState: (state: ConnectionState) => void) {
  let everConnected = false;
  const wsClient = createClient({
    url: config.graphqlWsUrl,
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connecting: () => onConnectionState(everConnected ? "reconnecting" : "connecting"),
      connected: () => {
        everConnected = true;
        onConnectionState("live");
      },
      closed: () => onConnectionState(navigator.onLine ? "reconnecting" : "offline"),
    },
  });
  const link = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(wsClient),
    new HttpLink({ uri: config.graphqlHttpUrl }),
  );
  return new ApolloClient({
    link,
    cache: new InMemoryCache({ typePolicies: { Instrument: { keyFields: ["symbol"] } } }),
  });
}
