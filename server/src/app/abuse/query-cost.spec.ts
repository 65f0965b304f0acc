import { expect } from "chai";
import { buildSchema, parse } from "graphql";
import { rowOfParent, rows, sizeArgument } from "../../infra/graphql/rows";
import { DEFAULT_PAGE_ESTIMATE, operationCost } from "./query-cost";

const schema = buildSchema(`
  type Query {
    me: User
    page(first: Int): [Instrument!]!
    instruments: [Instrument!]!
    orders(first: Int): OrderConnection!
    book(depth: Int): Book!
    count: Int!
  }
  type Mutation { ping: Boolean! }
  type User { id: ID! roles: [String!]! portfolios: [Portfolio!]! orders(first: Int): [Order!]! }
  type Portfolio { id: ID! positions: [Position!]! }
  type Position { symbol: String! }
  type Order { id: ID! fills: [Position!]! }
  type Instrument { symbol: String! tags: [String!]! }
  type OrderConnection { edges: [OrderEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type OrderEdge { cursor: String! node: Order! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Book { symbol: String! bids: [Level!]! asks: [Level!]! }
  type Level { price: String! }
`);
const fields = (type: string) => (schema.getType(type) as unknown as { getFields(): Record<string, { extensions: Record<string, unknown> }> }).getFields();
fields("Query").instruments.extensions = { complexity: rows((_args, bounds) => bounds.instruments) };
fields("User").portfolios.extensions = { complexity: rows(5) };
fields("Portfolio").positions.extensions = { complexity: rows((_args, bounds) => bounds.instruments) };
fields("Order").fills.extensions = { complexity: rows(3) };
fields("Query").book.extensions = { complexity: (options: Parameters<typeof sizeArgument>[0] & { childComplexity: number }) => 1 + sizeArgument(options, "depth", 10, 100) * options.childComplexity };
fields("Book").bids.extensions = { complexity: rowOfParent };
fields("Book").asks.extensions = { complexity: rowOfParent };
const bounds = { instruments: 14 };
const cost = (query: string, variables?: Record<string, unknown>) => operationCost(schema, parse(query), variables, undefined, bounds);

describe("query cost", () => {
  it("when scalars, enums and lists of them are asked for, then they cost nothing beyond their row; a root field costs at least one", () => {
    expect(cost(`{ count }`)).to.equal(1);
    expect(cost(`{ me { id roles } }`)).to.equal(1);
    expect(cost(`mutation { ping }`)).to.equal(1);
  });

  it("when a paged list is asked for, then it costs its page: first, from variables too, or the default when left out", () => {
    expect(cost(`{ page(first: 50) { symbol } }`)).to.equal(50);
    expect(cost(`query ($n: Int) { page(first: $n) { symbol } }`, { n: 7 })).to.equal(7);
    expect(cost(`{ page { symbol } }`)).to.equal(DEFAULT_PAGE_ESTIMATE);
  });

  it("when a connection is asked for, then its page of nodes is priced and its edges and page info are not rows of their own", () => {
    expect(cost(`{ orders(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } totalCount } }`)).to.equal(1 + 10 * 1);
    expect(cost(`{ orders(first: 10) { edges { node { id fills { symbol } } } } }`)).to.equal(1 + 10 * (1 + 3));
    expect(cost(`{ orders(first: 10) { totalCount } }`)).to.equal(1 + 10);
  });

  it("when a plain list is asked for, then it costs its bound, whether a constant or the instruments listed now", () => {
    expect(cost(`{ instruments { symbol tags } }`)).to.equal(14);
    expect(operationCost(schema, parse(`{ instruments { symbol } }`), {}, undefined, { instruments: 200 })).to.equal(200);
    expect(cost(`{ me { portfolios { id positions { symbol } } } }`)).to.equal(1 + 5 * (1 + 14));
  });

  it("when lists nest, then their costs multiply, with what is inside each row", () => {
    expect(cost(`{ me { orders(first: 10) { id fills { symbol } } } }`)).to.equal(1 + 10 * (1 + 3));
  });

  it("when a list's rows are counted by its parent, then the parent's size multiplies them", () => {
    expect(cost(`{ book(depth: 20) { symbol bids { price } asks { price } } }`)).to.equal(1 + 20 * 2);
    expect(cost(`{ book { bids { price } } }`)).to.equal(1 + 10);
  });

  it("when an object list declares no bound, then it cannot be priced (a test of the real schema finds such lists first)", () => {
    const unbounded = buildSchema(`type Query { all: [Thing!]! } type Thing { id: ID! }`);
    expect(() => operationCost(unbounded, parse(`{ all { id } }`), {}, undefined, bounds)).to.throw(/without a declared bound/);
  });

  it("when a page size is zero, negative or not whole, then the operation cannot be priced and is refused whole", () => {
    for (const first of [0, -1, -100000000]) {
      expect(() => cost(`{ page(first: ${first}) { symbol } me { id } }`), String(first)).to.throw(/Cannot price page\(first:\)/);
    }
    expect(() => cost(`query ($n: Int) { page(first: $n) { symbol } }`, { n: -5 })).to.throw(/Cannot price/);
    expect(() => cost(`{ book(depth: 101) { bids { price } } }`)).to.throw(/from 1 to 100/);
  });

  it("when a field's own estimate comes out below zero, then the operation is refused rather than made cheaper", () => {
    const withHistory = buildSchema(`type Query { history(limit: Int): [Bar!]! other: Int } type Bar { close: String }`);
    const field = withHistory.getQueryType()!.getFields().history;
    // The shape priceHistory once had: a size argument used as it came.
    field.extensions = { complexity: ({ args, childComplexity }: { args: { limit: number }; childComplexity: number }) => args.limit * (1 + childComplexity) };
    expect(() => operationCost(withHistory, parse(`{ history(limit: -100000000) { close } other }`), {}, undefined, bounds)).to.throw(/Cannot price history/);
  });
});
