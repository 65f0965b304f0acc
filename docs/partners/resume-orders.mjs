// Follows a user's order updates over graphql-ws and resumes after a disconnect without a gap.
// npm install graphql-ws ws; then:
//   BG_URL=https://blockguardian.example BG_API_KEY=prefix.secret node resume-orders.mjs
// Each update is printed as one JSON line; the last sequence is kept in BG_STATE_FILE
// (default .bg-sequence) and passed as afterSequence on the next start.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const url = (process.env.BG_URL ?? "http://localhost:4000").replace(/^http/, "ws") + "/graphql";
const stateFile = process.env.BG_STATE_FILE ?? ".bg-sequence";
const maxEvents = Number(process.env.BG_MAX_EVENTS ?? Infinity);
let after = existsSync(stateFile) ? readFileSync(stateFile, "utf8").trim() : null;

const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `ApiKey ${process.env.BG_API_KEY}` } });
const query = `subscription ($after: String) {
  orderUpdates(afterSequence: $after) { sequence order { id symbol side status filledQuantity } fill { price quantity fee } }
}`;

let seen = 0;
await new Promise((resolve, reject) => {
  const stop = client.subscribe({ query, variables: { after } }, {
    next: ({ data, errors }) => {
      if (errors) {
        // SEQUENCE_EXPIRED: the missed events are past the retention. Reconcile with the
        // orders and fills queries, delete the state file, and start again.
        return reject(new Error(`${errors[0].extensions?.code} ${errors[0].extensions?.reason ?? ""}: ${errors[0].message}`));
      }
      const update = data.orderUpdates;
      console.log(JSON.stringify(update));
      after = update.sequence;
      writeFileSync(stateFile, after); // written after handling: a crash replays, never skips
      if (++seen >= maxEvents) {
        stop();
        resolve();
      }
    },
    error: reject,
    complete: resolve,
  });
});
await client.dispose();
