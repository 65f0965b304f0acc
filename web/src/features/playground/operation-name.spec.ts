import { describe, expect, it } from "vitest";
import { OperationTypeNode } from "graphql";
import { currentOperation, fixOperationName } from "./operation-name";

describe("playground operation name", () => {
  it("when GraphiQL sends a name the document does not define, then the document's only operation is run", () => {
    expect(fixOperationName("subscription LiveQuotes { quotes(symbols: []) { last } }", "Instruments")).toBe("LiveQuotes");
  });

  it("when the name is defined, or the document has several operations, then the name is kept", () => {
    const two = "query A { me { id } } query B { me { email } }";
    expect(fixOperationName(two, "B")).toBe("B");
    expect(fixOperationName(two, "Gone")).toBe("Gone");
    expect(fixOperationName("{ me { id } }", "Old")).toBeNull();
    expect(fixOperationName("query {", "Broken")).toBe("Broken");
  });

  it("when the query is a subscription, then the parsed document handed on says so (the toolkit then uses graphql-ws)", () => {
    const { operationName, documentAST } = currentOperation("subscription LiveQuotes { quotes(symbols: []) { last } }", "Instruments");
    expect(operationName).toBe("LiveQuotes");
    const operation = documentAST?.definitions[0];
    expect(operation?.kind === "OperationDefinition" && operation.operation).toBe(OperationTypeNode.SUBSCRIPTION);
  });
});
