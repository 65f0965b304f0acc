import { Field, ObjectType } from "type-graphql";
import { badUserInput } from "../errors";

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

export function decodeCursor(cursor: string | null | undefined, pattern: RegExp): string | null {
  if (cursor === null || cursor === undefined) return null;
  const position = Buffer.from(cursor, "base64url").toString("utf8");
  if (!pattern.test(position)) throw badUserInput("Invalid cursor", "after");
  return position;
}

/** `first` within 1..max, defaulting when absent. */
export function pageSize(first: number | null | undefined, fallback: number, max: number): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badUserInput(`first must be between 1 and ${max}`, "first");
  return first;
}
