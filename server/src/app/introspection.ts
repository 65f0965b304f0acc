import type { ApolloServerPlugin } from "@apollo/server";
import { type DocumentNode, Kind, type SelectionSetNode } from "graphql";
import type { Session } from "../identity";
import type { Admission } from "./context";
import { AppError } from "../infra/errors";

/** Who may read the schema through __schema / __type: everyone, signed-in callers, or nobody. */
export type IntrospectionPolicy = "all" | "authenticated" | "off";

/**
 * Introspection maps the whole API for an attacker; signed-in users (the playground, codegen
 * against a dev server) need it. Refused before execution with FORBIDDEN, over HTTP and
 * graphql-ws alike. `__typename` is not introspection and always works.
 */
export function assertIntrospectionAllowed(policy: IntrospectionPolicy, session: Session, document: DocumentNode): void {
  if (policy === "all" || !document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION && selectsSchema(definition.selectionSet, document))) return;
  if (policy === "authenticated" && session.principal.kind !== "anonymous") return;
  throw new AppError("FORBIDDEN", policy === "off" ? "Introspection is disabled on this server" : "Introspection is for signed-in callers: sign in first", {
    http: { status: 403 },
  });
}

function selectsSchema(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === "__schema" || selection.name.value === "__type";
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectsSchema(selection.selectionSet, document, seen);
    if (seen.has(selection.name.value)) return false;
    seen.add(selection.name.value);
    const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value);
    return fragment?.kind === Kind.FRAGMENT_DEFINITION ? selectsSchema(fragment.selectionSet, document, seen) : false;
  });
}

export function introspectionPlugin(policy: IntrospectionPolicy): ApolloServerPlugin<{ session: Session; admission?: Admission }> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ contextValue, document }) => {
        // Over HTTP the context holds the caller's session only once the abuse guard's plugin has
        // finished the authentication (its revocation check and account read run side by side
        // with the rate limiter); the same authentication is awaited here. A failed one is the
        // guard's to refuse.
        const authenticated = contextValue.admission ? await contextValue.admission.authenticated.catch(() => null) : null;
        assertIntrospectionAllowed(policy, authenticated?.session ?? contextValue.session, document);
      },
    }),
  };
}
