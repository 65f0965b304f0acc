import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../app/context";
import { Role } from "../infra/auth";
import { BarInterval } from "./bar-interval";
import { Instrument } from "./instrument.entity";
import { BarImportResult, ListInstrumentInput, PriceBarInput } from "./listing.types";

@Resolver()
export class ListingResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => Instrument, { description: "ADMIN: list a new instrument; its book opens at once." })
  listInstrument(@Arg("input", () => ListInstrumentInput) input: ListInstrumentInput, @Ctx() ctx: Context): Promise<Instrument> {
    return ctx.services.listings.list(ctx.session.requireUser(), input);
  }

  @Authorized(Role.ADMIN, Role.ANALYST)
  @Mutation(() => BarImportResult, { description: "ADMIN or ANALYST: load historical bars (idempotent per symbol, interval and time)." })
  importPriceBars(
    @Arg("symbol") symbol: string,
    @Arg("interval", () => BarInterval) interval: BarInterval,
    @Arg("bars", () => [PriceBarInput]) bars: PriceBarInput[],
    @Ctx() ctx: Context,
  ): Promise<BarImportResult> {
    return ctx.services.listings.importBars(ctx.session.requireUser(), symbol, interval, bars.map((bar, i) => ({ ...bar, line: i + 1 })));
  }
}
