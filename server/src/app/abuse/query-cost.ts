import { type DocumentNode, GraphQLError, type GraphQLSchema } from "graphql";
import { type ComplexityEstimator, type ComplexityEstimatorArgs, fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

/** Connections and pages cost what they may return: `first` (or this default) times their items. */
export const DEFAULT_PAGE_ESTIMATE = 20;

/** An operation the estimator cannot price: it is refused whole, before anything runs. */
export class UnpricedArgumentError extends GraphQLError {
  constructor(field: string, argument: string, expected: string) {
    super(`Cannot price ${field}(${argument}:): ${argument} must be ${expected}`, { extensions: { code: "BAD_USER_INPUT", field: argument } });
  }
}

/**
 * A size argument (`first`, `limit`) as the estimator may use it: absent means the default;
 * anything but a whole number from 1 to `max` cannot be priced. Without this, a negative
 * `limit` priced a field below zero and made the operation around it free.
 */
export function sizeArgument(options: ComplexityEstimatorArgs, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = options.args[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new UnpricedArgumentError(options.field.name, name, `a whole number from 1 to ${max}`);
  }
  return value;
}

/**
 * Paged lists cost their page: `first` when given, the page default when left out. Lists
 * without paging are bounded by their parent (an order's fills, a portfolio's positions, the
 * instrument list) and cost one point per field like everything else; a field whose size
 * depends on an argument declares its own complexity (priceHistory).
 */
const pagedListEstimator: ComplexityEstimator = (options) => {
  if (!options.field.args.some((arg) => arg.name === "first")) return undefined;
  return 1 + options.childComplexity * sizeArgument(options, "first", DEFAULT_PAGE_ESTIMATE);
};

/** Whatever an estimator answers must be a cost: a whole number of points, never below one. */
function checked(estimator: ComplexityEstimator): ComplexityEstimator {
  return (options) => {
    const cost = estimator(options);
    if (cost === undefined) return undefined;
    if (!Number.isSafeInteger(cost) || cost < 1) {
      throw new GraphQLError(`Cannot price ${options.field.name} with these arguments`, { extensions: { code: "BAD_USER_INPUT" } });
    }
    return cost;
  };
}

const ESTIMATORS = [fieldExtensionsEstimator(), pagedListEstimator, simpleEstimator({ defaultComplexity: 1 })].map(checked);

/**
 * The cost of an operation: one point per field, paged lists multiplied by their page size,
 * and any field may declare its own with `@Field({ complexity })`. Throws a GraphQLError when
 * an argument cannot be priced.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string | null): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: ESTIMATORS,
  });
}
