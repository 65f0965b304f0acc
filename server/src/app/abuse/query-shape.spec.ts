import { expect } from "chai";
import { buildSchema, parse, validate } from "graphql";
import { queryShapeRule } from "./query-shape";

const schema = buildSchema(`type Query { q: Query x: Int }`);
const rule = queryShapeRule({ maxDepth: 10, maxAliases: 30, maxNodes: 500 });

describe("query shape limits", () => {
  it("when fragments spread each other twice in a long chain, then the expanded size is refused without expanding it", () => {
    const count = 40;
    const fragments = Array.from({ length: count }, (_, i) =>
      i === count - 1 ? `fragment F${i} on Query { x }` : `fragment F${i} on Query { ...F${i + 1} q { ...F${i + 1} } }`,
    );
    const document = parse(`{ ...F0 } ${fragments.join(" ")}`);
    const started = process.hrtime.bigint();
    const errors = validate(schema, document, [rule]);
    // A structural bound, not a timing assertion: 2^40 expansions could never finish.
    expect(Number(process.hrtime.bigint() - started) / 1e9).to.be.lessThan(5);
    expect(errors.map((e) => e.message).join(" ")).to.match(/fields exceed the maximum of 500/);
  });

  it("when depth and aliases come through fragments, then they count as if written inline", () => {
    const deep = parse(`{ ...A } fragment A on Query { q { q { ...B } } } fragment B on Query { q { q { q { q { q { q { q { q { x } } } } } } } } }`);
    expect(validate(schema, deep, [rule]).map((e) => e.message)).to.deep.equal(["Query depth 11 exceeds the maximum of 10"]);
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: x`).join(" ");
    const wide = parse(`{ ...W } fragment W on Query { ${aliases} }`);
    expect(validate(schema, wide, [rule]).map((e) => e.message)).to.deep.equal(["31 aliases exceed the maximum of 30"]);
    expect(validate(schema, parse(`{ q { q { x } } }`), [rule])).to.deep.equal([]);
  });
});
