import { type ASTNode, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, type ValidationRule } from "graphql";

export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxNodes: number;
}

interface Shape {
  depth: number;
  nodes: number;
  aliases: number;
}

/**
 * Refuses documents that are cheap to send and expensive to answer: too deep, too many
 * aliases (a batching amplifier), too many fields once fragments are expanded. Introspection
 * subtrees do not count toward depth, so GraphiQL's schema query still works.
 */
export function queryShapeRule(limits: ShapeLimits): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    // Each fragment is measured once and reused at every spread: a chain of fragments that
    // spread the next one twice expands exponentially, but measuring it stays linear.
    const measured = new Map<string, Shape>();
    const measuring = new Set<string>();
    const fragmentShape = (name: string): Shape => {
      const known = measured.get(name);
      if (known) return known;
      const fragment = fragments.get(name);
      // Unknown fragments and cycles are reported by graphql-js's own rules.
      if (!fragment || measuring.has(name)) return { depth: 0, nodes: 0, aliases: 0 };
      measuring.add(name);
      const shape = measure(fragment.selectionSet, fragmentShape);
      measuring.delete(name);
      measured.set(name, shape);
      return shape;
    };
    return {
      OperationDefinition(operation) {
        const shape = measure(operation.selectionSet, fragmentShape);
        const report = (message: string, node: ASTNode) =>
          context.reportError(new GraphQLError(message, { nodes: [node], extensions: { code: "BAD_USER_INPUT" } }));
        if (shape.depth > limits.maxDepth) report(`Query depth ${shape.depth} exceeds the maximum of ${limits.maxDepth}`, operation);
        if (shape.aliases > limits.maxAliases) report(`${shape.aliases} aliases exceed the maximum of ${limits.maxAliases}`, operation);
        if (shape.nodes > limits.maxNodes) report(`${shape.nodes} fields exceed the maximum of ${limits.maxNodes}`, operation);
      },
    };
  };
}

function measure(selectionSet: SelectionSetNode, fragmentShape: (name: string) => Shape): Shape {
  const total: Shape = { depth: 0, nodes: 0, aliases: 0 };
  const add = (shape: Shape, depthOffset: number) => {
    total.nodes += shape.nodes;
    total.aliases += shape.aliases;
    total.depth = Math.max(total.depth, shape.depth + depthOffset);
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total.nodes++;
      if (selection.alias) total.aliases++;
      if (selection.name.value.startsWith("__")) continue;
      const below = selection.selectionSet ? measure(selection.selectionSet, fragmentShape) : { depth: 0, nodes: 0, aliases: 0 };
      add(below, 1);
      total.depth = Math.max(total.depth, 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      add(measure(selection.selectionSet, fragmentShape), 0);
    } else {
      add(fragmentShape(selection.name.value), 0);
    }
  }
  return total;
}
