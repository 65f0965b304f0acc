import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { buildSchema, findBreakingChanges } from "graphql";
import { printCommittedSchema } from "../src/app/schema";
import { REPO_ROOT } from "../src/config";

const committedFile = path.join(REPO_ROOT, "schema", "schema.graphql");
const contractFile = path.join(REPO_ROOT, "schema", "api-contract.graphql");
/** Where the workplace keeps the contract; the repository carries a copy that must match it. */
const sharedContractFile = path.resolve(REPO_ROOT, "..", "shared", "api-contract.graphql");
const pendingFile = path.join(REPO_ROOT, "schema", "contract-pending.txt");

function pendingItems(): string[] {
  return fs
    .readFileSync(pendingFile, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

describe("schema pipeline", () => {
  it("when the server builds its schema, then it equals the committed schema/schema.graphql (run `npm run codegen`)", async () => {
    expect(await printCommittedSchema()).to.equal(fs.readFileSync(committedFile, "utf8"));
  });

  describe("against the public API contract", () => {
    it("when the workplace's contract is beside the checkout, then schema/api-contract.graphql is a faithful copy", () => {
      const shared = fs.existsSync(sharedContractFile) ? fs.readFileSync(sharedContractFile, "utf8") : undefined;
      expect(shared ?? fs.readFileSync(contractFile, "utf8")).to.equal(fs.readFileSync(contractFile, "utf8"));
    });

    it("when compared with findBreakingChanges, then every difference is a listed pending item", () => {
      const contract = buildSchema(fs.readFileSync(contractFile, "utf8"));
      const ours = buildSchema(fs.readFileSync(committedFile, "utf8"));
      const breaking = findBreakingChanges(contract, ours).map((change) => change.description);
      const pending = new Set(pendingItems());
      expect(breaking.filter((description) => !pending.has(description))).to.deep.equal([]);
    });

    it("when a pending item has been implemented, then it must leave the list (the list only shrinks)", () => {
      const contract = buildSchema(fs.readFileSync(contractFile, "utf8"));
      const ours = buildSchema(fs.readFileSync(committedFile, "utf8"));
      const breaking = new Set(findBreakingChanges(contract, ours).map((change) => change.description));
      expect(pendingItems().filter((item) => !breaking.has(item))).to.deep.equal([]);
    });
  });
});
