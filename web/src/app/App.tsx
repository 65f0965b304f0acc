import { ApolloProvider } from "@apollo/client/react";
import { useState } from "react";
import { ConnectionBadge } from "../components/ui/ConnectionBadge";
import { InstrumentsTable } from "../features/market/InstrumentsTable";
import { type ConnectionState, createApolloClient } from "../lib/apollo";

export function App() {
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [client] = useState(() => createApolloClient(setConnection));
  return (
    <ApolloProvider client={client}>
      <header className="topbar">
        <span className="brand">BlockGuardian</span>
        <ConnectionBadge state={connection} />
      </header>
      <main className="page">
        <h1>Markets</h1>
        <InstrumentsTable />
      </main>
    </ApolloProvider>
  );
}
