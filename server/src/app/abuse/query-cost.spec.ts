import { expect } from "chai";
import { buildSchema, parse } from "graphql";
import { DEFAULT_PAGE_ESTIMATE, operationCost } from "./query-cost";

const schema = buildSchema(`
  type Query {
    me: User
    page(first: Int): [Instrument!]!
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
});
