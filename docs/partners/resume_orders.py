"""Follows a user's order updates over graphql-ws and resumes after a disconnect without a gap.

Debian: apt-get install python3-websockets (or pip install websockets); then
  BG_URL=https://blockguardian.example BG_API_KEY=prefix.secret python3 resume_orders.py
Each update is printed as one JSON line; the last sequence is kept in BG_STATE_FILE
(default .bg-sequence) and passed as afterSequence on the next start.
"""
import asyncio
import json
import os

import websockets

URL = os.environ.get("BG_URL", "http://localhost:4000").replace("http", "ws", 1) + "/graphql"
STATE_FILE = os.environ.get("BG_STATE_FILE", ".bg-sequence")
MAX_EVENTS = int(os.environ.get("BG_MAX_EVENTS", "0")) or None
QUERY = """subscription ($after: String) {
  orderUpdates(afterSequence: $after) { sequence order { id symbol side status filledQuantity } fill { price quantity fee } }
}"""


async def follow():
    after = open(STATE_FILE).read().strip() if os.path.exists(STATE_FILE) else None
    async with websockets.connect(URL, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": "ApiKey " + os.environ["BG_API_KEY"]}}))
        if json.loads(await ws.recv())["type"] != "connection_ack":
            raise SystemExit("not acknowledged")
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": QUERY, "variables": {"after": after}}}))
        seen = 0
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif message["type"] == "error" or message.get("payload", {}).get("errors"):
                # SEQUENCE_EXPIRED: reconcile with the orders and fills queries, delete the state file, start again.
                errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
                raise SystemExit("%s %s: %s" % (errors[0]["extensions"].get("code"), errors[0]["extensions"].get("reason", ""), errors[0]["message"]))
            elif message["type"] == "next":
                update = message["payload"]["data"]["orderUpdates"]
                print(json.dumps(update), flush=True)
                with open(STATE_FILE, "w") as state:  # written after handling: a crash replays, never skips
                    state.write(update["sequence"])
                seen += 1
                if MAX_EVENTS and seen >= MAX_EVENTS:
                    await ws.send(json.dumps({"id": "1", "type": "complete"}))
                    return
            elif message["type"] == "complete":
                return


asyncio.run(follow())
