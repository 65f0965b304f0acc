import { createReferenceOrderBook } from ".";
import { orderBookBehaviour } from "./order-book.behaviour";

describe("order book behaviour: reference book", () => orderBookBehaviour(createReferenceOrderBook));
