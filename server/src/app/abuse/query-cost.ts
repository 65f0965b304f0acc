import type { DocumentNode, GraphQLSchema } from "graphql";
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

/** Connections and pages cost what they may return: `first` (or this default) times their items. */
export const DEFAULT_PAGE_ESTIMATE = 20;

/**
 * Paged lists cost their page: `first` when given, the page default when left out. Lists
 * without paging are bounded by their parent (an order's fills, a portfolio's positions, the
 * instrument list) and cost one point per field like everything else; a field whose size
 * depends on an argument declares its own complexity (priceHistory).
 */
const pagedListEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  if (!field.args.some((arg) => arg.name === "first")) return undefined;
  const first = typeof args.first === "number" && args.first > 0 ? args.first : DEFAULT_PAGE_ESTIMATE;
  return 1 + childComplexity * first;
};

/**
 * The cost of an operation: one point per field, paged lists multiplied by their page size,
 * and any field may declare its own with `@Field({ complexity })`.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string | null): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: [fieldExtensionsEstimator(), pagedListEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
}
