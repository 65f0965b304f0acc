import { Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../app/context";
import { TransactionConnection } from "./portfolio.types";

/** A page of a portfolio's transactions: its count is one statement for every portfolio asked about, and only when asked. */
@Resolver(() => TransactionConnection)
export class TransactionConnectionResolver {
  @FieldResolver(() => Int, { description: "Every transaction of the portfolio." })
  totalCount(@Root() connection: TransactionConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.transactionCounts.load(connection.portfolioId);
  }
}
