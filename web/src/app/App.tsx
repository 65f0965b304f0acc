import { ApolloProvider } from "@apollo/client/react";
import { useEffect, useState } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { type ConnectionState, createAppClient } from "../lib/apollo";
import { useSession } from "../lib/session";
import { landingFor } from "../lib/landing";
import { mayOpen, ROUTES } from "./routes";
import { RequireSession, Shell } from "./Shell";

export function App() {
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [app] = useState(() => createAppClient(setConnection));
  useEffect(() => {
    const offline = () => setConnection("offline");
    window.addEventListener("offline", offline);
    return () => window.removeEventListener("offline", offline);
  }, []);
  const session = useSession();
  return (
    <ApolloProvider client={app.client}>
      <BrowserRouter>
        <Routes>
          <Route path="/" element={<Navigate to={session ? landingFor(session.user.roles) : "/login"} replace />} />
          {ROUTES.map((route) => {
            const Screen = route.component;
            const screen = route.auth ? (
              <RequireSession>
                {/* A screen of another role would only offer what the server refuses: go home instead. */}
                {session && !mayOpen(route, session.user.roles) ? <Navigate to="/" replace /> : <Screen />}
              </RequireSession>
            ) : (
              <Screen />
            );
            return <Route key={route.path} path={route.path} element={<Shell connection={connection} route={route}>{screen}</Shell>} />;
          })}
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </BrowserRouter>
    </ApolloProvider>
  );
}
