import { type DocumentNode, GraphQLError, type GraphQLField, type GraphQLSchema, getNamedType, isInputObjectType, isLeafType, isListType, isNonNullType, type GraphQLOutputType } from "graphql";
import { type ComplexityEstimator, type ComplexityEstimatorArgs, fieldExtensionsEstimator, getComplexity } from "graphql-query-complexity";
import { type ListBounds, sizeArgument } from "../../infra/graphql/rows";

/** Connections and pages cost what they may return: `first` (or this default) rows. */
export const DEFAULT_PAGE_ESTIMATE = 20;

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);

export function isListField(field: GraphQLField<unknown, unknown>): boolean {
  const type: GraphQLOutputType = isNonNullType(field.type) ? field.type.ofType : field.type;
  return isListType(type);
}

/** A connection's `edges` and `pageInfo`: their rows are counted by the connection's page. */
export function isConnectionPart(parentType: string, field: string): boolean {
  return (parentType.endsWith("Connection") && (field === "edges" || field === "pageInfo")) || parentType === "PageInfo";
}

/**
 * Rows, not fields (the scheme Shopify's Admin API publishes): a scalar or enum, a list of them
 * included, is part of its row and costs nothing; an object is a row and costs one point; a
 * list costs every row it may return, and a root field at least one point.
 *
 * - a paged list (a field with `first`) costs first × (a row and what is asked of it), and a
 *   connection 1 + first × (its node and what is asked of it), `first` defaulting to
 *   DEFAULT_PAGE_ESTIMATE;
 * - a plain list declares its bound with `rows(...)` (infra/graphql/rows.ts) as its
 *   `complexity`; a list without one cannot be priced, and a test finds it before a caller does;
 * - a connection's edges and page info are priced by the connection.
 */
const rowEstimator: ComplexityEstimator = (options) => {
  const { field, type, childComplexity } = options;
  if (field.args.some((arg) => arg.name === "first")) {
    const page = sizeArgument(options, "first", DEFAULT_PAGE_ESTIMATE);
    // A paged list's rows are its items; a connection's are its nodes, priced inside its edges.
    return isListField(field) ? page * (1 + childComplexity) : 1 + page * Math.max(1, childComplexity);
  }
  if (isConnectionPart(type.name, field.name)) return childComplexity;
  const root = ROOT_TYPES.has(type.name);
  if (isLeafType(getNamedType(field.type))) return root ? 1 : 0;
  if (isListField(field)) throw new Error(`${type.name}.${field.name} is a list without a declared bound: give it rows(...) as its complexity`);
  return 1 + childComplexity;
};

/**
 * Whatever an estimator answers must be a cost: a whole number of points, never below zero. It
 * sees every argument of the field except input objects (an order or a deposit never prices
 * anything), which is what lets the cost cache ignore variables of an input object type.
 */
function checked(estimator: ComplexityEstimator): ComplexityEstimator {
  return (options) => {
    const cost = estimator({ ...options, args: priceable(options) });
    if (cost === undefined) return undefined;
    if (!Number.isSafeInteger(cost) || cost < 0) {
      throw new GraphQLError(`Cannot price ${options.field.name} with these arguments`, { extensions: { code: "BAD_USER_INPUT" } });
    }
    return cost;
  };
}

/** The arguments an estimator sees: all but input objects (an order, a deposit), which never price anything. */
function priceable(options: ComplexityEstimatorArgs): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const arg of options.field.args) {
    if (arg.name in options.args && !isInputObjectType(getNamedType(arg.type))) kept[arg.name] = options.args[arg.name];
  }
  return kept;
}

const ESTIMATORS = [fieldExtensionsEstimator(), rowEstimator].map(checked);

/**
 * The cost of an operation in rows (see rowEstimator), with `bounds` the platform's list bounds
 * of the moment. Throws a GraphQLError when an argument cannot be priced.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  bounds: ListBounds,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: ESTIMATORS,
    context: { bounds },
  });
}
