import { expect } from "chai";
import { buildSchema, parse } from "graphql";
import { DEFAULT_LIST_ESTIMATE, DEFAULT_PAGE_ESTIMATE, operationCost } from "./query-cost";

const schema = buildSchema(`
  type Query {
    me: User
    instruments: [Instrument!]!
    page(first: Int): [Instrument!]!
    history(limit: Int): [Instrument!]!
  }
  type User { id: ID! roles: [String!]! portfolios: [Portfolio!]! }
  type Portfolio { id: ID! positions: [Position!]! }
  type Position { symbol: String! }
  type Instrument { symbol: String! }
`);
const cost = (query: string, variables?: Record<string, unknown>) => operationCost(schema, parse(query), variables);

describe("query cost", () => {
  it("when a plain list is asked for, then it costs its items as if it held DEFAULT_LIST_ESTIMATE of them", () => {
    expect(cost(`{ instruments { symbol } }`)).to.equal(1 + DEFAULT_LIST_ESTIMATE);
  });

  it("when lists nest, then their costs multiply", () => {
    expect(cost(`{ me { portfolios { positions { symbol } } } }`)).to.equal(1 + (1 + DEFAULT_LIST_ESTIMATE * (1 + DEFAULT_LIST_ESTIMATE)));
  });

  it("when a list takes first or limit, then that size prices it, from variables too, and the page default when left out", () => {
    expect(cost(`{ page(first: 50) { symbol } }`)).to.equal(51);
    expect(cost(`query ($n: Int) { history(limit: $n) { symbol } }`, { n: 7 })).to.equal(8);
    expect(cost(`{ page { symbol } }`)).to.equal(1 + DEFAULT_PAGE_ESTIMATE);
  });

  it("when a list holds scalars, then it costs one, like any scalar field", () => {
    expect(cost(`{ me { id roles } }`)).to.equal(3);
  });
});
