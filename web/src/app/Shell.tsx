import { type ReactNode, Suspense, useEffect } from "react";
import { NavLink, useLocation, useNavigate } from "react-router";
import { ConnectionBadge } from "../components/ui/ConnectionBadge";
import { Loading } from "../components/ui/States";
import { Toaster } from "../components/ui/Toaster";
import { FillToasts } from "../features/trade/FillToasts";
import { SignOutButton } from "../features/auth/SignOutButton";
import type { ConnectionState } from "../lib/apollo";
import { useSession, wasSignedOut } from "../lib/session";
import { type AppRoute, navTarget, ROUTES } from "./routes";

/** Top bar (navigation, live state, who is signed in), the page, and the toasts. */
export function Shell({ connection, route, children }: { connection: ConnectionState; route: AppRoute; children: ReactNode }) {
  const session = useSession();
  const roles = session?.user.roles ?? [];
  const visible = ROUTES.filter((r) => r.nav && (!r.auth || session) && (!r.roles || r.roles.some((role) => roles.includes(role))));
  useEffect(() => {
    document.title = `${route.title} · BlockGuardian`;
  }, [route.title]);
  return (
    <>
      <header className="topbar">
        <NavLink to="/" className="brand">
          BlockGuardian
        </NavLink>
        <nav aria-label="Main">
          {visible.map((r) => (
            <NavLink key={r.path} to={navTarget(r)}>
              {r.nav}
            </NavLink>
          ))}
        </nav>
        <div className="row">
          <ConnectionBadge state={connection} />
          {session ? (
            <>
              <span className="muted" data-testid="signed-in-as">
                {session.user.firstName}
              </span>
              <SignOutButton />
            </>
          ) : (
            <NavLink to="/login">Sign in</NavLink>
          )}
        </div>
      </header>
      {session && <FillToasts key={session.user.id} />}
      <main className={route.wide ? "page wide" : "page"}>
        <Suspense fallback={<Loading label="Loading…" />}>{children}</Suspense>
      </main>
      <Toaster />
    </>
  );
}

/** Sends signed-out visitors of a protected screen to sign in, and back afterwards. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    // An expired session comes back here after signing in; a deliberate sign-out starts afresh.
    if (!session) void navigate("/login", { replace: true, state: wasSignedOut() ? null : { from: location.pathname + location.search } });
  }, [session, navigate, location]);
  return session ? <>{children}</> : null;
}
