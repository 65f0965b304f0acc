import { Field, ObjectType } from "type-graphql";
import { badUserInput } from "../errors";
import { isUuid } from "./text";

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
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
export function decodeCursor(cursor: string | null | undefined, pattern: RegExp): string | null {
  if (cursor === null || cursor === undefined) return null;
  const position = Buffer.from(cursor, "base64url").toString("utf8");
  if (!pattern.test(position) || !position.split("|").every(readablePart)) throw badUserInput("Invalid cursor", "after");
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

/** `first` within 1..max, defaulting when absent. */
export function pageSize(first: number | null | undefined, fallback: number, max: number): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badUserInput(`first must be between 1 and ${max}`, "first");
  return first;
}
