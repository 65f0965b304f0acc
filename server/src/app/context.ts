import type { AuditService } from "../audit";
import type { AccessClaims, ApiKeyService, AuthService, Authenticator, MfaService, Session, UserService } from "../identity";
import type { Logger } from "../infra/logger";
import type { Topic } from "../infra/pubsub";
import type { InstrumentService } from "../market";

/** The services resolvers may call. Built once per process; per-request state lives in Context. */
export interface Services {
  audit: AuditService;
  authenticator: Authenticator;
  auth: AuthService;
  mfa: MfaService;
  apiKeys: ApiKeyService;
  users: UserService;
  instruments: InstrumentService;
}

/** Built fresh for every HTTP request and for every subscription operation. */
export interface Context {
  requestId: string;
  log: Logger;
  session: Session;
  /** The access token's claims when the caller sent one. */
  access: AccessClaims | null;
  services: Services;
  /** Subscribes to pub/sub topics for the lifetime of one GraphQL subscription. */
  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P>;
}
