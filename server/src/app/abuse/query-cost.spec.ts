import { expect } from "chai";
import { buildSchema, parse } from "graphql";
import { DEFAULT_PAGE_ESTIMATE, operationCost, sizeArgument } from "./query-cost";

const schema = buildSchema(`
  type Query {
    me: User
    page(first: Int): [Instrument!]!
    history(limit: Int): [Instrument!]!
  }
  type User { id: ID! roles: [String!]! portfolios: [Portfolio!]! orders(first: Int): [Order!]! }
  type Portfolio { id: ID! positions: [Position!]! }
  type Position { symbol: String! }
  type Order { id: ID! fills: [Position!]! }
  type Instrument { symbol: String! }
`);
const cost = (query: string, variables?: Record<string, unknown>) => operationCost(schema, parse(query), variables);

describe("query cost", () => {
  it("when a paged list is asked for, then it costs its page: first, from variables too, or the default when left out", () => {
    expect(cost(`{ page(first: 50) { symbol } }`)).to.equal(51);
    expect(cost(`query ($n: Int) { page(first: $n) { symbol } }`, { n: 7 })).to.equal(8);
    expect(cost(`{ page { symbol } }`)).to.equal(1 + DEFAULT_PAGE_ESTIMATE);
  });

  it("when paged lists nest, then their costs multiply, with what is inside each item", () => {
    expect(cost(`{ me { orders(first: 10) { id fills { symbol } } } }`)).to.equal(1 + 1 + 10 * 3);
  });

  it("when a list is bounded by its parent, then each field costs one", () => {
    expect(cost(`{ me { id roles portfolios { id positions { symbol } } } }`)).to.equal(7);
  });

  it("when a page size is zero, negative or not whole, then the operation cannot be priced and is refused whole", () => {
    for (const first of [0, -1, -100000000]) {
      expect(() => cost(`{ page(first: ${first}) { symbol } me { id } }`), String(first)).to.throw(/Cannot price page\(first:\)/);
    }
    expect(() => cost(`query ($n: Int) { page(first: $n) { symbol } }`, { n: -5 })).to.throw(/Cannot price/);
  });

  it("when a field's own estimate comes out below one point, then the operation is refused rather than made cheaper", () => {
    const withHistory = buildSchema(`type Query { history(limit: Int): [Bar!]! other: Int } type Bar { close: String }`);
    const field = withHistory.getQueryType()!.getFields().history;
    // The shape priceHistory had: a size argument used as it came.
    field.extensions = { complexity: ({ args, childComplexity }: { args: { limit: number }; childComplexity: number }) => 1 + childComplexity * Math.ceil(args.limit / 60) };
    expect(() => operationCost(withHistory, parse(`{ history(limit: -100000000) { close } other }`), {})).to.throw(/Cannot price history/);
    field.extensions = { complexity: (options: Parameters<typeof sizeArgument>[0]) => 1 + options.childComplexity * Math.ceil(sizeArgument(options, "limit", 60, 1440) / 60) };
    expect(operationCost(withHistory, parse(`{ history(limit: 120) { close } }`), {})).to.equal(3);
    expect(() => operationCost(withHistory, parse(`{ history(limit: 1441) { close } }`), {})).to.throw(/from 1 to 1440/);
  });
});
