/** Saved operations an analyst starts from; they open as tabs the first time the playground is used. */
export const EXAMPLES: Array<{ query: string; variables?: string }> = [
  {
    query: `# Every listed instrument with its tick and lot size and the last price.
query Instruments {
  instruments {
    symbol
    name
    assetClass
    tickSize
    lotSize
    lastPrice
  }
}
`,
  },
  {
    query: `# Your portfolios with positions valued at the last prices.
query MyPortfolios {
  portfolios {
    id
    name
    totalValue
    unrealizedPnl
    positions { symbol quantity averageCost marketValue weight }
  }
}
`,
  },
  {
    query: `# One-minute bars of the last hour.
query PriceHistory($symbol: String!) {
  priceHistory(symbol: $symbol) { time open high low close volume }
}
`,
    variables: `{ "symbol": "BTC-USD" }`,
  },
  {
    query: `# Live quotes over graphql-ws: press run, then watch the results stream in.
subscription LiveQuotes($symbols: [String!]!) {
  quotes(symbols: $symbols) { symbol bid ask last timestamp }
}
`,
    variables: `{ "symbols": ["BTC-USD", "ETH-USD", "AAPL"] }`,
  },
  {
    query: `# Depth of the book, straight from the matching engine's memory.
query Book($symbol: String!) {
  orderBook(symbol: $symbol, depth: 5) {
    sequence
    bids { price quantity orderCount }
    asks { price quantity orderCount }
  }
}
`,
    variables: `{ "symbol": "ETH-USD" }`,
  },
];
