// The reference for `npm run bench request-path`: Apollo Server 5 on express 5, from the same
// node_modules as the server, answering `{ me { id } }` from a constant. Nothing else: no
// authentication, no limits, no metrics. Prints "running at <url>" like the server does.
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { ROOT } from "../../lib.mjs";

const require = createRequire(`${ROOT}/server/package.json`);
const { ApolloServer } = require("@apollo/server");
const { expressMiddleware } = require("@as-integrations/express5");
const express = require("express");

const typeDefs = `type Query { me: User } type User { id: ID! }`;
const resolvers = { Query: { me: () => ({ id: "00000000-0000-4000-8000-000000000000" }) } };

const app = express();
const httpServer = createServer(app);
const apollo = new ApolloServer({ typeDefs, resolvers, stopOnTerminationSignals: false });
await apollo.start();
app.use("/graphql", express.json({ limit: "1mb" }), expressMiddleware(apollo));
httpServer.listen(0, "127.0.0.1", () => console.log(`running at http://127.0.0.1:${httpServer.address().port}`));
process.on("SIGTERM", async () => {
  await apollo.stop();
  httpServer.close();
  httpServer.closeAllConnections();
});
