import { type DocumentNode, type GraphQLSchema, isInputObjectType, Kind, type TypeNode } from "graphql";
import type { ListBounds } from "../../infra/graphql/rows";

type Price = (document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined, bounds: ListBounds) => number;

/** Variable sets remembered per document: a mutation whose variables change on every call stops adding here. */
const MAX_VARIABLE_SETS = 64;
const MAX_KEY_LENGTH = 2_048;

/**
 * Remembers what an operation costs, per parsed document (Apollo hands the same document object
 * to every request that sends the same query text) and per operation name, priced variables and
 * list bounds (the instruments listed), the only other inputs of the price. A variable of an
 * input object type (an order, a deposit) never changes a price: estimators never see such
 * arguments (`priceable` in query-cost.ts), so `placeOrder` with a new order each time is priced
 * once. Only prices are remembered: a document that cannot be priced (its variables do not
 * coerce) is priced, and refused, again on every request, and the caller compares every
 * remembered price with the limit as if it were new. An input object that does not coerce is
 * refused when the operation runs, as every variable is.
 */
export class CostCache {
  private readonly byDocument = new WeakMap<DocumentNode, { priced: string[]; costs: Map<string, number> }>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly bounds: () => ListBounds,
    private readonly price: Price,
  ) {}

  cost(document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined): number {
    const bounds = this.bounds();
    let remembered = this.byDocument.get(document);
    if (!remembered) this.byDocument.set(document, (remembered = { priced: this.pricedVariables(document), costs: new Map() }));
    const key = JSON.stringify([operationName ?? null, remembered.priced.map((name) => variables?.[name] ?? null), bounds.instruments]);
    const known = remembered.costs.get(key);
    if (known !== undefined) return known;
    const cost = this.price(document, variables, operationName, bounds);
    if (key.length <= MAX_KEY_LENGTH && remembered.costs.size < MAX_VARIABLE_SETS) remembered.costs.set(key, cost);
    return cost;
  }

  /** The document's variables that may change a price, by name, sorted: all but those of an input object type. */
  private pricedVariables(document: DocumentNode): string[] {
    const names = new Set<string>();
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const variable of definition.variableDefinitions ?? []) {
        if (!isInputObjectType(this.schema.getType(namedType(variable.type)))) names.add(variable.variable.name.value);
      }
    }
    return [...names].sort();
  }
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
