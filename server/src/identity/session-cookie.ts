import type { AuthPayload } from "./identity.types";

export const REFRESH_COOKIE = "bg_refresh";
/** The header the web app sends to keep its refresh token in a cookie rather than in script reach. */
export const SESSION_COOKIE_HEADER = "x-session-cookie";

/**
 * The refresh token of a browser session, kept where scripts cannot read it: an httpOnly,
 * SameSite=Strict cookie scoped to /graphql (Secure when the server speaks TLS). Only a request
 * that carries `x-session-cookie: 1` uses it. That custom header makes the request non-simple,
 * so a cross-site form or image cannot send it (and Apollo's CSRF prevention refuses simple
 * requests anyway): the cookie is never read on a request another site could forge.
 */
export interface SessionCookie {
  /** The caller asked for cookie mode (the header is present). */
  readonly wanted: boolean;
  /** The refresh token in the cookie, read only when `wanted`. */
  readonly presented: string | null;
  set(refreshToken: string): void;
  clear(): void;
}

export function sessionCookie(
  headers: Record<string, string | string[] | undefined>,
  writeCookie: (value: string) => void,
  options: { secure: boolean; maxAgeSeconds: number },
): SessionCookie {
  const wanted = headers[SESSION_COOKIE_HEADER] === "1";
  const attributes = `Path=/graphql; HttpOnly; SameSite=Strict${options.secure ? "; Secure" : ""}`;
  return {
    wanted,
    presented: wanted ? readCookie(headers.cookie, REFRESH_COOKIE) : null,
    set: (token) => writeCookie(`${REFRESH_COOKIE}=${token}; ${attributes}; Max-Age=${options.maxAgeSeconds}`),
    clear: () => writeCookie(`${REFRESH_COOKIE}=; ${attributes}; Max-Age=0`),
  };
}

/** In cookie mode the refresh token goes into the cookie and the body says "". */
export function deliver(payload: AuthPayload, cookie: SessionCookie | undefined): AuthPayload {
  if (!cookie?.wanted) return payload;
  cookie.set(payload.refreshToken);
  return Object.assign(Object.create(Object.getPrototypeOf(payload)) as AuthPayload, payload, { refreshToken: "" });
}

/** The refresh token a request presents: the argument, or, when it is "" in cookie mode, the cookie's. */
export function presentedRefreshToken(argument: string | null | undefined, cookie: SessionCookie | undefined): string | null {
  if (argument) return argument;
  return cookie?.presented ?? null;
}

function readCookie(header: string | string[] | undefined, name: string): string | null {
  const text = Array.isArray(header) ? header.join("; ") : (header ?? "");
  for (const part of text.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=") || null;
  }
  return null;
}
