import { type DocumentNode, getNullableType, type GraphQLSchema, isListType } from "graphql";
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

/** Connections and pages cost what they may return: `first` (or this default) times their items. */
export const DEFAULT_PAGE_ESTIMATE = 20;
/** A plain list without a size argument (positions, instruments, book levels) is priced as this many items. */
export const DEFAULT_LIST_ESTIMATE = 10;

const SIZE_ARGUMENTS = ["first", "limit", "depth"];

/**
 * Lists cost their items: a size argument (`first`, `limit`, `depth`) when the field has one,
 * the page default when it is left out, and DEFAULT_LIST_ESTIMATE for a plain list.
 */
const listEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const sizeArgument = field.args.find((arg) => SIZE_ARGUMENTS.includes(arg.name));
  if (sizeArgument) {
    const size = args[sizeArgument.name];
    return 1 + childComplexity * (typeof size === "number" && size > 0 ? size : DEFAULT_PAGE_ESTIMATE);
  }
  if (isListType(getNullableType(field.type))) return 1 + childComplexity * DEFAULT_LIST_ESTIMATE;
  return undefined;
};

/**
 * The cost of an operation: one point per field, lists multiplied by their size (see listEstimator),
 * and any field may declare its own with `@Field({ complexity })`.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string | null): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: [fieldExtensionsEstimator(), listEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
}
