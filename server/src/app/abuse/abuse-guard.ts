import type { ApolloServerPlugin } from "@apollo/server";
import { type DocumentNode, GraphQLError, type GraphQLSchema, type ValidationRule } from "graphql";
import { type AccessClaims, type Authentication, invalidToken, type Session, type UserView } from "../../identity";
import { AppError } from "../../infra/errors";
import { CostCache } from "./cost-cache";
import type { ListBounds } from "../../infra/graphql/rows";
import { operationCost } from "./query-cost";
import { queryShapeRule, type ShapeLimits } from "./query-shape";
import type { AdaptiveRateLimiter, ThrottleStatus } from "./rate-limiter";
import type { Admission } from "../context";

export interface CostReport {
  requestedQueryCost: number | null;
  throttleStatus: ThrottleStatus | null;
}

/**
 * Outcomes that count against a principal's restore rate: what probing does (bad credentials,
 * reaching for what is not theirs, malformed operations). A 429 and a mistyped amount do not:
 * a normal client that hits the limit once must not be slowed for it (issue 16), and the
 * first few refusals of any kind are free (see restoreRateFor).
 */
const REJECTION_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"]);

/**
 * Query limits and the rate limiter, applied the same way to HTTP operations (an Apollo
 * plugin) and WebSocket subscriptions (graphql-ws onSubscribe).
 */
/** A refusal of the request itself: HTTP 400 rather than Apollo's default 500 for errors raised before execution. */
const BAD_REQUEST = { http: { status: 400 } };

export class AbuseGuard {
  readonly validationRules: ValidationRule[];
  private readonly costs: CostCache;
  /** HTTP requests refused for their credential (revoked token, disabled account). */
  private readonly refusedCredentials = new WeakSet<object>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limiter: AdaptiveRateLimiter,
    private readonly maxCost: number,
    shape: ShapeLimits,
    bounds: () => ListBounds,
  ) {
    this.validationRules = [queryShapeRule(shape)];
    this.costs = new CostCache(schema, bounds, (document, variables, operationName, listBounds) => operationCost(this.schema, document, variables, operationName, listBounds));
  }

  /**
   * Prices the operation and charges the caller's bucket; throws when it is too costly or the
   * bucket is empty. `uncheckedRevocations` (the caller's token's revocation flags, when its
   * authentication left them to us) are checked in the same round trip as the charge, and a
   * flagged one refuses the request as UNAUTHENTICATED before anything is charged or run.
   */
  async admit(
    rateLimitKey: string,
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    operationName: string | null | undefined,
    report: CostReport,
    uncheckedRevocations: string[] = [],
  ): Promise<void> {
    let cost: number;
    try {
      cost = this.costs.cost(document, variables, operationName);
    } catch (error) {
      await this.refuseRevoked(uncheckedRevocations);
      // Pricing coerces the variables first; a value of the wrong type is the caller's mistake.
      if (error instanceof GraphQLError) throw new AppError("BAD_USER_INPUT", error.message, BAD_REQUEST);
      throw error;
    }
    report.requestedQueryCost = cost;
    if (cost > this.maxCost) {
      // Credentials are judged before the request: a revoked token hears UNAUTHENTICATED first.
      await this.refuseRevoked(uncheckedRevocations);
      throw new AppError("BAD_USER_INPUT", `Query cost ${cost} exceeds the maximum of ${this.maxCost}; ask for smaller pages`, { cost, maxCost: this.maxCost, ...BAD_REQUEST });
    }
    const charge = await this.limiter.charge(rateLimitKey, cost, uncheckedRevocations);
    if (charge.denied) throw invalidToken();
    report.throttleStatus = charge.status;
    if (!charge.allowed) {
      throw new AppError("RATE_LIMITED", `Rate limited: this operation costs ${cost}; retry in ${charge.retryAfterSeconds} s`, {
        retryAfterSeconds: charge.retryAfterSeconds,
        http: { status: 429, headers: new Map([["retry-after", String(charge.retryAfterSeconds)]]) },
      });
    }
  }

  /** The revocation check on its own, for refusals that never reach the limiter's round trip. */
  private async refuseRevoked(uncheckedRevocations: string[]): Promise<void> {
    if (uncheckedRevocations.length > 0 && (await this.limiter.anyFlagged(uncheckedRevocations))) throw invalidToken();
  }

  async noteOutcome(rateLimitKey: string, codes: Array<string | undefined>): Promise<void> {
    if (codes.some((code) => code !== undefined && REJECTION_CODES.has(code))) await this.limiter.noteRejection(rateLimitKey);
  }

  /**
   * Apollo's plugin: completes each HTTP operation's authentication (the account read and, in the
   * same round trip as the charge, the revocation check), prices and charges it, and reports the
   * cost in `extensions`. Credentials are judged first: a refused credential answers
   * UNAUTHENTICATED whatever the limiter said.
   */
  apolloPlugin(): ApolloServerPlugin<{ session: Session; access: AccessClaims | null; account: UserView | null; admission?: Admission; cost?: CostReport }> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ contextValue, document, request, operation }) => {
          contextValue.cost = { requestedQueryCost: null, throttleStatus: null };
          const admission = contextValue.admission;
          if (!admission) throw new Error("an HTTP context without its admission");
          // Apollo serves HTTP only; graphql-ws runs subscriptions without passing through here.
          if (operation?.operation === "subscription") {
            await admission.authenticated.catch((error: unknown) => this.refuseCredential(contextValue, error));
            throw new AppError("BAD_USER_INPUT", "Subscriptions run over WebSocket: connect to /graphql with the graphql-ws protocol", BAD_REQUEST);
          }
          const [authenticated, admitted] = await Promise.allSettled([
            admission.authenticated,
            this.admit(admission.rateLimitKey, document, request.variables, request.operationName, contextValue.cost, admission.uncheckedRevocations),
          ]);
          if (authenticated.status === "rejected") this.refuseCredential(contextValue, authenticated.reason);
          if (admitted.status === "rejected") {
            if (isUnauthenticated(admitted.reason)) this.refuseCredential(contextValue, admitted.reason);
            throw admitted.reason;
          }
          // Admitted: from here on the operation runs as the authenticated caller (Apollo hands
          // each operation its own copy of the context, so this is set on the copy it executes).
          const { session, access, account } = (authenticated as PromiseFulfilledResult<Authentication>).value;
          Object.assign(contextValue, { session, access, account });
        },
        willSendResponse: async ({ contextValue, response, errors }) => {
          if (response.body.kind === "single") {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, cost: contextValue.cost ?? { requestedQueryCost: null, throttleStatus: null } };
          }
          if (this.refusedCredentials.has(contextValue)) await this.limiter.noteRejection(`ip:${contextValue.session.ip}`);
          else if (errors?.length) {
            const key = contextValue.admission?.rateLimitKey ?? contextValue.session.rateLimitKey;
            await this.noteOutcome(key, errors.map((error) => error.extensions?.code as string | undefined));
          }
        },
      }),
    };
  }

  /** A revoked token or a disabled account: refused, and the refusal weighs on the address, as a bad token's does. */
  private refuseCredential(contextValue: object, error: unknown): never {
    this.refusedCredentials.add(contextValue);
    throw error;
  }
}

const isUnauthenticated = (error: unknown) => error instanceof GraphQLError && error.extensions.code === "UNAUTHENTICATED";
