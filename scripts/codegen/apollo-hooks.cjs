// A GraphQL Code Generator plugin: typed Apollo Client 4 hooks for every named operation.
// @graphql-codegen/typescript-react-apollo targets Apollo Client 3; this emits thin wrappers
// over the typed documents that typed-document-node generates, importing from
// "@apollo/client/react" (see ../shared/TOOLCHAIN.md).
const { Kind } = require("graphql");

const HOOKS = {
  query: { hook: "useQuery", suffix: "Query" },
  mutation: { hook: "useMutation", suffix: "Mutation" },
  subscription: { hook: "useSubscription", suffix: "Subscription" },
};

const pascal = (name) => name.charAt(0).toUpperCase() + name.slice(1);

function hookFor(operation) {
  const { hook, suffix } = HOOKS[operation.operation];
  const base = pascal(operation.name.value);
  const data = `${base}${suffix}`;
  const variables = `${data}Variables`;
  const document = `${base}Document`;
  const required = (operation.variableDefinitions ?? []).some(
    (v) => v.type.kind === Kind.NON_NULL_TYPE && v.defaultValue === undefined,
  );
  const options = `${hook}.Options<${data}, ${variables}>`;
  const param = operation.operation === "mutation" || !required ? `options?: ${options}` : `options: ${options}`;
  const hooks = [`export function use${data}(${param}) {\n  return ${hook}<${data}, ${variables}>(${document}, options as ${options});\n}`];
  // A query run on demand (a screening, a report download) rather than when a screen renders.
  if (operation.operation === "query") {
    const lazy = `useLazyQuery.Options<${data}, ${variables}>`;
    hooks.push(`export function use${base}LazyQuery(options?: ${lazy}) {\n  return useLazyQuery<${data}, ${variables}>(${document}, options);\n}`);
  }
  return hooks.join("\n\n");
}

module.exports = {
  plugin(_schema, documents) {
    const operations = documents
      .flatMap((file) => file.document?.definitions ?? [])
      .filter((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.name);
    const used = [...new Set(operations.flatMap((operation) => [HOOKS[operation.operation].hook, ...(operation.operation === "query" ? ["useLazyQuery"] : [])]))].sort();
    return {
      prepend: used.length ? [`import { ${used.join(", ")} } from "@apollo/client/react";`] : [],
      content: operations.map(hookFor).join("\n\n"),
    };
  },
};
