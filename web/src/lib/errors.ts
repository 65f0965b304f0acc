import { CombinedGraphQLErrors } from "@apollo/client";

/** The message to show a person for a failed operation: the server's own words for expected outcomes. */
export function errorMessage(error: unknown, fallback = "Something went wrong. Try again."): string {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    if (first && first.extensions?.code !== "INTERNAL_SERVER_ERROR") return first.message;
    return fallback;
  }
  if (error instanceof TypeError) return "The server cannot be reached.";
  return fallback;
}

export function errorCode(error: unknown): string | undefined {
  if (CombinedGraphQLErrors.is(error)) return error.errors[0]?.extensions?.code as string | undefined;
  return undefined;
}
