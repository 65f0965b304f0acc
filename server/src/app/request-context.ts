import type { Authentication, UserView } from "../identity";
import type { Logger } from "../infra/logger";
import type { Topic } from "../infra/pubsub";
import type { CostReport } from "./abuse/abuse-guard";
import type { Admission, Context, Services } from "./context";

/** What every request's context draws on: built once per process. */
export interface ContextDeps {
  log: Logger;
  services: Services;
  createLoaders(): Context["loaders"];
  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P>;
  listen<P>(topics: Topic<P>[]): Promise<AsyncIterableIterator<P>>;
}

/**
 * One request's (or one subscription operation's) context. The logger and the loaders are made
 * on first use, most operations needing neither. They are getters on the prototype: Apollo
 * copies the context's own properties into a fresh object for every operation, and a getter
 * that is an own property would be called (and the loaders built) by that copy.
 */
export class RequestContext implements Context {
  session: Context["session"];
  access: Context["access"];
  account: UserView | null;
  admission?: Admission;
  cost?: CostReport;
  sessionCookie?: Context["sessionCookie"];
  readonly services: Services;
  private logger?: Logger;
  private loaderSet?: Context["loaders"];

  constructor(
    readonly requestId: string,
    auth: Authentication,
    private readonly deps: ContextDeps,
  ) {
    this.session = auth.session;
    this.access = auth.access;
    this.account = auth.account;
    this.services = deps.services;
  }

  get log(): Logger {
    return (this.logger ??= this.deps.log.child({ requestId: this.requestId }));
  }

  get loaders(): Context["loaders"] {
    return (this.loaderSet ??= this.deps.createLoaders());
  }

  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P> {
    return this.deps.subscribe(topics);
  }

  listen<P>(topics: Topic<P>[]): Promise<AsyncIterableIterator<P>> {
    return this.deps.listen(topics);
  }
}
