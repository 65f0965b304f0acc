/**
 * The signed-in session: access token and who it belongs to. Kept in localStorage so a reload
 * stays signed in; every tab reads the same store. The refresh token is not here: the server
 * keeps it in an httpOnly cookie (the app asks for cookie mode on every request), so a script
 * injected into the page cannot steal a long-lived credential. `refreshToken` is "". Components read it
 * through `useSession`, the Apollo links through `currentSession`.
 */
import { useSyncExternalStore } from "react";

export interface SessionUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: readonly string[];
  mfaEnabled: boolean;
}

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  user: SessionUser;
}

const KEY = "bg.session";
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  return current;
}

let signedOut = false;

export function setSession(next: Session | null): void {
  current = next;
  if (next) signedOut = false;
  try {
    // Whatever a server answered, a refresh token never reaches storage.
    if (next) globalThis.localStorage?.setItem(KEY, JSON.stringify({ ...next, refreshToken: "" }));
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    // Private browsing may refuse storage: the session then lasts as long as the tab.
  }
  for (const listener of listeners) listener();
}

/** Ends the session at the user's request (as opposed to an expired or revoked one). */
export function signOut(): void {
  signedOut = true;
  setSession(null);
}

/** True after the user signed out: sign-in then starts afresh instead of returning to the last screen. */
export const wasSignedOut = () => signedOut;

/** Updates the user part only (e.g. after MFA is switched on). */
export function updateSessionUser(patch: Partial<SessionUser>): void {
  if (current) setSession({ ...current, user: { ...current.user, ...patch } });
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, currentSession, currentSession);
}

/** True when the access token is gone or expires within `marginMs`. */
export function accessTokenStale(session: Session, marginMs = 30_000, now = Date.now()): boolean {
  return Date.parse(session.accessTokenExpiresAt) - now < marginMs;
}
