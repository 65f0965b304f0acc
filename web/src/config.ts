/** The one reader of build-time configuration in the web app. */
const origin = typeof window === "undefined" ? "http://127.0.0.1:4000" : window.location.origin;

export const config = {
  /** Same origin by default: the server serves this app, and Vite proxies in development. */
  graphqlHttpUrl: import.meta.env.VITE_GRAPHQL_URL ?? `${origin}/graphql`,
  graphqlWsUrl: import.meta.env.VITE_GRAPHQL_WS_URL ?? `${origin.replace(/^http/, "ws")}/graphql`,
  /** JSON-RPC of the chain the wallet screen reads (the local hardhat node `npm start` runs, chain 31337). */
  chainRpcUrl: (import.meta.env.VITE_CHAIN_RPC_URL as string | undefined) ?? "http://127.0.0.1:8545",
};
