import type { SubmitCommand } from "./types";

export const positiveInt = (value: number | undefined): value is number => value !== undefined && Number.isSafeInteger(value) && value > 0;

const optional = (value: number | undefined) => value === undefined || positiveInt(value);

/** Structural checks the gateway already made; the engine refuses rather than trusts. */
export function isValid(command: SubmitCommand): boolean {
  if (!positiveInt(command.quantity) || !Number.isSafeInteger(command.id)) return false;
  if ((command.tif === "GTD") !== (command.expiresAt !== undefined) || !optional(command.expiresAt)) return false;
  if ((command.postOnly || command.display !== undefined) && (command.kind !== "LIMIT" || command.tif === "IOC" || command.tif === "FOK")) return false;
  if (!optional(command.display)) return false;
  const trailing = command.kind === "TRAILING_STOP";
  if (!trailing && (command.trailAmount !== undefined || command.trailBps !== undefined || command.mark !== undefined)) return false;
  switch (command.kind) {
    case "MARKET":
      return command.price === undefined && command.stopPrice === undefined && (command.protection === undefined || positiveInt(command.protection));
    case "LIMIT":
      return positiveInt(command.price) && command.stopPrice === undefined && command.protection === undefined;
    case "STOP":
      return command.price === undefined && positiveInt(command.stopPrice) && (command.protection === undefined || positiveInt(command.protection));
    case "STOP_LIMIT":
      return positiveInt(command.price) && positiveInt(command.stopPrice) && command.protection === undefined;
    case "TRAILING_STOP":
      return (
        command.price === undefined &&
        command.stopPrice === undefined &&
        optional(command.protection) &&
        optional(command.mark) &&
        (command.trailAmount === undefined) !== (command.trailBps === undefined) &&
        optional(command.trailAmount) &&
        optional(command.trailBps) &&
        (command.trailBps === undefined || command.trailBps < 10_000)
      );
    default:
      return false;
  }
}
