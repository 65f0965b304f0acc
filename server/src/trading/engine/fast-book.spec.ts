import { createOrderBook } from ".";
import { orderBookBehaviour } from "./order-book.behaviour";

describe("order book behaviour: fast book", () => orderBookBehaviour(createOrderBook));
