import { CombinedGraphQLErrors } from "@apollo/client";
import { compareDecimal, formatMoney } from "../../lib/decimal";
import { errorMessage } from "../../lib/errors";

/**
 * The one place where the server's answers to an order (an error's `extensions.code`, a risk
 * refusal's `reason`, the field a BAD_USER_INPUT names, an order's `rejectReason`) become the
 * sentence a trader reads. The server words its messages for developers ("limitPrice 50000 is
 * more than 10% from the reference price 45012.34"); a trader wants "Limit price 50,000.00 is
 * more than 10% above the reference price 45,012.34". Anything not recognised falls back to the
 * server's message with its field names spelled out, never to a code.
 */
const FIELD_WORDS: Record<string, string> = {
  limitPrice: "limit price",
  stopPrice: "stop price",
  quantity: "quantity",
  displayQuantity: "display quantity",
  trailAmount: "trail amount",
  trailPercent: "trail percent",
  expiresAt: "expiry",
  timeInForce: "time in force",
  postOnly: "post-only",
  clientOrderId: "order reference",
  symbol: "instrument",
  takeProfit: "take-profit",
  stopLoss: "stop-loss",
  ocoWith: "second order",
  orderClass: "order class",
};

const NUMBER = String.raw`(-?\d+(?:\.\d+)?)`;
const money = (value: string) => formatMoney(value, Math.max(2, (value.split(".")[1] ?? "").length));
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Field names in a sentence (limitPrice, TRAILING_STOP) as words, numbers with separators. */
function spellOut(message: string): string {
  let text = message;
  for (const [field, words] of Object.entries(FIELD_WORDS)) text = text.replace(new RegExp(`\\b${field}\\b`, "g"), words);
  text = text.replace(/\b(TRAILING_STOP|STOP_LIMIT|MARKET|LIMIT|STOP|GTD|GTC)\b/g, (type) => type.replace("_", " ").toLowerCase().replace("gtd", "good-till-date").replace("gtc", "good-till-cancelled"));
  text = text.replace(/(?<![\w.])\d+(?:\.\d+)?(?!\w|\.\d)/g, (n) => (n.includes(".") || n.length > 3 ? money(n) : n));
  return capitalise(text);
}

const RULES: ReadonlyArray<{ match: RegExp; words: (m: RegExpMatchArray) => string }> = [
  {
    // pre-trade-risk.ts: `${field} ${price} is more than ${band}% from the reference price ${base}`
    match: new RegExp(`^(limitPrice|stopPrice) ${NUMBER} is more than ${NUMBER}% from the reference price ${NUMBER}`),
    words: ([, field, price, band, reference]) =>
      `${capitalise(FIELD_WORDS[field])} ${money(price)} is more than ${band}% ${compareDecimal(price, reference) > 0 ? "above" : "below"} the reference price ${money(reference)}`,
  },
  {
    match: new RegExp(`^Buying power ${NUMBER} is less than the ${NUMBER} this order may cost`),
    words: ([, available, cost]) => `Not enough buying power: this order may cost up to ${money(cost)} with fees, and ${money(available)} is available`,
  },
  {
    match: new RegExp(`^Order value ${NUMBER} is above the maximum of ${NUMBER}`),
    words: ([, value, max]) => `The order's value ${money(value)} is above the largest order accepted, ${money(max)}`,
  },
  {
    match: new RegExp(`^Only ${NUMBER} (\\S+) is free to sell`),
    words: ([, free, symbol]) => `You can sell at most ${free} ${symbol}: the rest is held by other open orders or not owned (no short selling)`,
  },
  {
    match: /^No reference price for (\S+) yet/,
    words: ([, symbol]) => `${symbol} has not traded yet, so a market or stop order has no price to start from: use a limit order`,
  },
];

/** A sentence for a server message (an error's message or an order's rejectReason). */
export function orderWords(message: string): string {
  for (const rule of RULES) {
    const m = message.match(rule.match);
    if (m) return rule.words(m);
  }
  return spellOut(message);
}

/** What to tell the trader when placing, amending or cancelling failed. */
export function orderErrorWords(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = first?.extensions?.code;
    if (code === "RATE_LIMITED") return "Too many requests just now: wait a few seconds and send it again.";
    if (code === "CONFLICT") return orderWords(first.message);
    if (code === "NOT_FOUND") return "That order no longer exists.";
    if (code === "FORBIDDEN") return "You cannot trade in this portfolio.";
    if (code === "KYC_REQUIRED") return "Verify your identity before trading past the unverified limits.";
    if (first && code !== "INTERNAL_SERVER_ERROR") return orderWords(first.message);
  }
  return errorMessage(error);
}
