// One load-generator process of the fan-out benchmark (forked by fanout.bench.mjs; not a
// benchmark of its own). It opens its share of graphql-ws connections, each signed in with its
// own access token and subscribed to `quotes` for one symbol, then records the delay from each
// quote's timestamp (set by the price feed on this same machine, so one clock) to its receipt.
// The graphql-ws protocol is spoken by hand over `ws`: a client library per socket would spend
// the cores the server is being measured on.
//
// Parent -> child messages: { start: { url, clients: [{ token, symbol }], concurrency } },
// { measure: true }, { report: true }. Child -> parent: { connected, failed }, { report }.
import WebSocket from "ws";

const QUERY = "subscription ($s: [String!]!) { quotes(symbols: $s) { symbol bid ask last timestamp } }";

/** Delay histogram in whole milliseconds (the timestamp's resolution): ms -> count. */
let histogram = new Map();
let measuring = false;
let received = 0;
let errors = 0;
let closed = 0;
let measureStartedAt = 0;
let cpuAtMeasure = process.cpuUsage();
const sockets = [];

function open(url, client) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, "graphql-transport-ws", { perMessageDeflate: false });
    let settled = false;
    const done = (ok) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: client.token ? { authorization: `Bearer ${client.token}` } : {} })));
    socket.on("message", (data) => {
      const message = JSON.parse(data);
      if (message.type === "next") {
        if (!settled) done(true); // the first quote proves the subscription is live
        if (!measuring) return;
        const quote = message.payload.data?.quotes;
        if (!quote || quote.symbol !== client.symbol) {
          errors++;
          return;
        }
        const delay = Math.max(0, Date.now() - Date.parse(quote.timestamp));
        histogram.set(delay, (histogram.get(delay) ?? 0) + 1);
        received++;
      } else if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: QUERY, variables: { s: [client.symbol] } } }));
      } else if (message.type === "error") {
        errors++;
        done(false);
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    });
    socket.on("error", () => done(false));
    socket.on("close", () => {
      closed++;
      done(false);
    });
    sockets.push(socket);
  });
}

process.on("message", async (message) => {
  if (message.start) {
    const { url, clients, concurrency } = message.start;
    let next = 0;
    let connected = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < clients.length) {
          const client = clients[next++];
          if (await open(url, client)) connected++;
          else failed++;
        }
      }),
    );
    process.send({ connected, failed });
  } else if (message.measure) {
    histogram = new Map();
    received = 0;
    errors = 0;
    closed = 0;
    measuring = true;
    measureStartedAt = Date.now();
    cpuAtMeasure = process.cpuUsage();
  } else if (message.report) {
    measuring = false;
    const cpu = process.cpuUsage(cpuAtMeasure);
    process.send({
      report: {
        histogram: [...histogram.entries()],
        received,
        errors,
        closed,
        seconds: (Date.now() - measureStartedAt) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      },
    });
  } else if (message.stop) {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  }
});
