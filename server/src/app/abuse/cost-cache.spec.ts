import { expect } from "chai";
import { buildSchema, GraphQLError, parse } from "graphql";
import { CostCache } from "./cost-cache";

const SCHEMA = buildSchema(`
  type Query { page(first: Int): [Item] }
  type Item { id: ID }
  input PlaceOrderInput { quantity: String, symbol: String }
  type Mutation { placeOrder(input: PlaceOrderInput!, symbols: [String!], n: Int): Item }
`);

describe("cost cache", () => {
  const bounds = () => ({ instruments: 14 });
  const document = parse(`query ($n: Int) { page(first: $n) { id } }`);

  it("when the same document comes with the same variables, then it is priced once; other variables are priced for themselves", () => {
    const priced: unknown[] = [];
    const cache = new CostCache(SCHEMA, bounds, (_doc, variables) => {
      priced.push(variables);
      return 1 + 2 * Number(variables?.n ?? 20);
    });
    expect(cache.cost(document, { n: 5 }, null)).to.equal(11);
    expect(cache.cost(document, { n: 5 }, null)).to.equal(11);
    expect(cache.cost(document, { n: 50 }, null)).to.equal(101);
    expect(cache.cost(parse(`query ($n: Int) { page(first: $n) { id } }`), { n: 5 }, null)).to.equal(11);
    // The second parse is another document: only Apollo's cached document object is shared.
    expect(priced).to.deep.equal([{ n: 5 }, { n: 50 }, { n: 5 }]);
  });

  it("when a document cannot be priced, then nothing is remembered and it is refused every time", () => {
    let calls = 0;
    const cache = new CostCache(SCHEMA, bounds, () => {
      calls++;
      throw new GraphQLError("Variable \"$n\" got invalid value");
    });
    expect(() => cache.cost(document, { n: "x" }, null)).to.throw(GraphQLError);
    expect(() => cache.cost(document, { n: "x" }, null)).to.throw(GraphQLError);
    expect(calls).to.equal(2);
  });

  it("when a mutation's variables differ on every call, then the document stops remembering new sets but still prices each", () => {
    let calls = 0;
    const cache = new CostCache(SCHEMA, bounds, () => ++calls && 3);
    for (let i = 0; i < 200; i++) expect(cache.cost(document, { n: i }, null)).to.equal(3);
    for (let i = 0; i < 200; i++) cache.cost(document, { n: i }, null);
    // The first 64 sets are remembered; the other 136 are priced again.
    expect(calls).to.equal(200 + 136);
  });

  it("when an instrument is listed, then a document is priced again with the new bound", () => {
    let listed = 14;
    const cache = new CostCache(SCHEMA, () => ({ instruments: listed }), (_doc, _variables, _name, { instruments }) => instruments);
    expect(cache.cost(document, {}, null)).to.equal(14);
    listed = 15;
    expect(cache.cost(document, {}, null)).to.equal(15);
  });

  it("when only a variable of an input object type differs (a new order each time), then the document is priced once", () => {
    let calls = 0;
    const cache = new CostCache(SCHEMA, bounds, () => ++calls && 2);
    const mutation = parse(`mutation ($i: PlaceOrderInput!, $n: Int, $s: [String!]) { placeOrder(input: $i, n: $n, symbols: $s) { id } }`);
    for (let i = 0; i < 100; i++) expect(cache.cost(mutation, { i: { quantity: String(i), symbol: "AAPL" }, n: 3 }, null)).to.equal(2);
    expect(calls).to.equal(1);
    // A scalar variable still keys the price; so does a list of scalars.
    cache.cost(mutation, { i: { quantity: "1" }, n: 4 }, null);
    cache.cost(mutation, { i: { quantity: "1" }, n: 4, s: ["AAPL", "MSFT"] }, null);
    cache.cost(mutation, { s: ["AAPL", "MSFT"], i: { quantity: "2" }, n: 4 }, null);
    expect(calls).to.equal(3);
  });
});
