import { Field, ObjectType } from "type-graphql";
import { badUserInput } from "../errors";
import { isUuid } from "./text";

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;
}

/** Cursors are opaque to clients: base64url of a position the server understands. */
export function encodeCursor(position: string): string {
  return Buffer.from(position, "utf8").toString("base64url");
}

/**
 * The position inside a cursor, refused unless it has the feature's shape (`pattern`) and every
 * part of it, separated by `|`, is a value PostgreSQL can read: a timestamp that exists
 * (not 9999-99-99), a uuid, a bigint in range. A cursor is client input like any other.
 */
export function decodeCursor(cursor: string | null | undefined, pattern: RegExp, field: "after" | "before" = "after"): string | null {
  if (cursor === null || cursor === undefined) return null;
  // No position the server writes is this long: a longer one is not decoded at all.
  if (cursor.length > 512) throw badUserInput("Invalid cursor", field);
  const position = Buffer.from(cursor, "base64url").toString("utf8");
  if (!pattern.test(position) || !position.split("|").every(readablePart)) throw badUserInput("Invalid cursor", field);
  return position;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_BIGINT = 2n ** 63n - 1n;

function readablePart(part: string): boolean {
  if (TIMESTAMP.test(part)) {
    // Round-tripping catches month 13, day 31 of a 30-day month, hour 25; year 0 is not a PostgreSQL year.
    const time = new Date(part);
    return !Number.isNaN(time.getTime()) && time.toISOString() === part && time.getUTCFullYear() >= 1;
  }
  if (/^\d+$/.test(part)) return part.length <= 19 && BigInt(part) <= MAX_BIGINT;
  if (part.length === 36 && /^[0-9a-f-]+$/i.test(part)) return isUuid(part);
  return true;
}

/** `first` (or `last`) within 1..max, defaulting when absent. */
export function pageSize(first: number | null | undefined, fallback: number, max: number, field: "first" | "last" = "first"): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badUserInput(`${field} must be between 1 and ${max}`, field);
  return first;
}

/**
 * A connection's `totalCount`, run only when a client selects it (a field resolver calls it):
 * counting every matching row costs as much as the page itself, or more.
 */
export type Count = () => Promise<number>;

/** PageInfo of a forward-only connection: `after` given means there are rows before this page. */
export function forwardPageInfo(hasNextPage: boolean, edges: Array<{ cursor: string }>, after: string | null | undefined): PageInfo {
  return { hasNextPage, hasPreviousPage: after !== null && after !== undefined, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A page as Relay's rules read it: `first`/`after` forward, `last`/`before` backward. */
export interface PageRequest {
  size: number;
  backward: boolean;
  /** The decoded cursor: rows strictly after it (forward) or strictly before it (backward). */
  position: string | null;
}

/**
 * The page a connection's arguments ask for, with the cursor checked against `pattern`. Mixing
 * the two directions is refused rather than guessed at (Relay leaves it undefined).
 */
export function pageRequest(args: PageArgs, pattern: RegExp, fallback: number, max: number): PageRequest {
  const given = (value: unknown) => value !== null && value !== undefined;
  const backward = given(args.last) || given(args.before);
  if (backward && (given(args.first) || given(args.after))) throw badUserInput("Page forward with first/after or backward with last/before, not both", "last");
  return backward
    ? { size: pageSize(args.last, fallback, max, "last"), backward, position: decodeCursor(args.before, pattern, "before") }
    : { size: pageSize(args.first, fallback, max, "first"), backward, position: decodeCursor(args.after, pattern, "after") };
}

/**
 * Edges and PageInfo from rows read in the page's direction, nearest the cursor first, one
 * more than the page holds (that one only says whether more lie beyond). A backward page is
 * turned round so that edges are always in the connection's order.
 */
export function connectionPage<R, N>(rows: R[], request: PageRequest, cursorOf: (row: R) => string, nodeOf: (row: R) => N): { edges: Array<{ cursor: string; node: N }>; pageInfo: PageInfo } {
  const more = rows.length > request.size;
  const page = rows.slice(0, request.size);
  if (request.backward) page.reverse();
  const edges = page.map((row) => ({ cursor: encodeCursor(cursorOf(row)), node: nodeOf(row) }));
  const beyondCursor = request.position !== null;
  return {
    edges,
    pageInfo: {
      hasNextPage: request.backward ? beyondCursor : more,
      hasPreviousPage: request.backward ? more : beyondCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
