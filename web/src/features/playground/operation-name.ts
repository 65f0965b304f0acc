import { type DocumentNode, Kind, parse } from "graphql";

/**
 * GraphiQL can hand the fetcher the previous tab's operation name and parsed document for a
 * moment after a tab switch, and the toolkit picks HTTP or WebSocket from them. The fetcher
 * parses the query it is actually given instead.
 */
export function currentOperation(query: string, operationName?: string | null): { operationName: string | null | undefined; documentAST?: DocumentNode } {
  try {
    const documentAST = parse(query);
    return { operationName: fixOperationName(query, operationName, documentAST), documentAST };
  } catch {
    return { operationName }; // a syntax error: the server explains it better
  }
}

/** A name the document does not define is replaced by the document's only operation, if it has just one. */
export function fixOperationName(query: string, operationName?: string | null, documentAST?: DocumentNode): string | null | undefined {
  try {
    const names = (documentAST ?? parse(query))
      .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => (d.kind === Kind.OPERATION_DEFINITION ? d.name?.value : undefined));
    if (operationName && names.includes(operationName)) return operationName;
    return names.length === 1 ? (names[0] ?? null) : operationName;
  } catch {
    return operationName; // a syntax error: the server explains it better
  }
}
