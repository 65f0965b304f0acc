import type { DocumentNode } from "graphql";
import type { ListBounds } from "../../infra/graphql/rows";
import { isScalarValue } from "./query-cost";

type Price = (document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined, bounds: ListBounds) => number;

/** Variable sets remembered per document: a mutation whose variables change on every call stops adding here. */
const MAX_VARIABLE_SETS = 64;
const MAX_KEY_LENGTH = 2_048;

/**
 * Remembers what an operation costs, per parsed document (Apollo hands the same document object
 * to every request that sends the same query text) and per operation name, scalar variables and
 * list bounds (the instruments listed), the only other inputs of the price. A variable holding an
 * input object (an order, a deposit) never changes a price: estimators see only scalar arguments
 * (`priceable` in query-cost.ts), so `placeOrder` with a new order each time is priced once. Only
 * prices are remembered: a document that cannot be priced (its variables do not coerce) is
 * priced, and refused, again on every request, and the caller compares every remembered price
 * with the limit as if it were new. An input object that does not coerce is refused when the
 * operation runs, as every variable is.
 */
export class CostCache {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, number>>();

  constructor(
    private readonly bounds: () => ListBounds,
    private readonly price: Price,
  ) {}

  cost(document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined): number {
    const bounds = this.bounds();
    const key = JSON.stringify([operationName ?? null, variables ? scalarsOf(variables) : null, bounds.instruments]);
    const costs = this.byDocument.get(document);
    const known = costs?.get(key);
    if (known !== undefined) return known;
    const cost = this.price(document, variables, operationName, bounds);
    if (key.length <= MAX_KEY_LENGTH) {
      const entries = costs ?? new Map<string, number>();
      if (!costs) this.byDocument.set(document, entries);
      if (entries.size < MAX_VARIABLE_SETS) entries.set(key, cost);
    }
    return cost;
  }
}

/** The variables a price may depend on, in a stable order: those holding scalars. */
function scalarsOf(variables: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(variables)
    .filter(([, value]) => isScalarValue(value))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
