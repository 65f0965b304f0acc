import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generate, loadCodegenConfig } from "@graphql-codegen/cli";
import { expect } from "chai";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("generated client code", () => {
  it("when codegen runs on the committed schema and documents, then it reproduces the committed hooks (run `npm run codegen`)", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const { config } = await loadCodegenConfig({ configFilePath: path.join(root, "codegen.ts") });
      const outputs = await generate({ ...config, cwd: root, silent: true }, false);
      expect(outputs).to.have.length.greaterThan(0);
      for (const output of outputs) {
        const committed = fs.readFileSync(path.resolve(root, output.filename), "utf8");
        expect(committed, output.filename).to.equal(output.content);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it("when the instruments list is generated, then a typed useInstrumentsQuery hook exists", () => {
    const code = fs.readFileSync(path.join(root, "web/src/gql/graphql.ts"), "utf8");
    expect(code).to.match(/export function useInstrumentsQuery\(/);
    expect(code).to.contain('from "@apollo/client/react"');
  });
});
