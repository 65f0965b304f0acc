import { type ASTNode, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, type ValidationRule } from "graphql";

export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxNodes: number;
}

/**
 * Refuses documents that are cheap to send and expensive to answer: too deep, too many
 * aliases (a batching amplifier), too many fields. Introspection subtrees do not count
 * toward depth, so GraphiQL's schema query still works.
 */
export function queryShapeRule(limits: ShapeLimits): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const totals = { aliases: 0, nodes: 0 };
        const depth = measure(operation.selectionSet, fragments, totals, new Set());
        const report = (message: string, node: ASTNode) =>
          context.reportError(new GraphQLError(message, { nodes: [node], extensions: { code: "BAD_USER_INPUT" } }));
        if (depth > limits.maxDepth) report(`Query depth ${depth} exceeds the maximum of ${limits.maxDepth}`, operation);
        if (totals.aliases > limits.maxAliases) report(`${totals.aliases} aliases exceed the maximum of ${limits.maxAliases}`, operation);
        if (totals.nodes > limits.maxNodes) report(`${totals.nodes} fields exceed the maximum of ${limits.maxNodes}`, operation);
      },
    };
  };
}

function measure(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  totals: { aliases: number; nodes: number },
  visiting: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      totals.nodes++;
      if (selection.alias) totals.aliases++;
      if (selection.name.value.startsWith("__")) continue;
      const below = selection.selectionSet ? measure(selection.selectionSet, fragments, totals, visiting) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, measure(selection.selectionSet, fragments, totals, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // Fragment cycles are reported by graphql-js's own rule; do not recurse into one.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, measure(fragment.selectionSet, fragments, totals, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}
