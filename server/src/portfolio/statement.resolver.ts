import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../app/context";
import { Scope, scope } from "../infra/auth";
import { ReportFormat } from "../infra/documents";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { renderStatement } from "./statement.service";
import { AccountStatement } from "./statement.types";

@Resolver(() => AccountStatement)
export class StatementResolver {
  @Authorized(scope(Scope.READ_PORTFOLIOS))
  @Query(() => AccountStatement, { description: "The caller's portfolio over [from, to): opening and closing cash, every movement with its running balance, positions at both ends (at most 366 days and 900 movements)." })
  statement(
    @Arg("portfolioId", () => ID) portfolioId: string,
    @Arg("from", () => DateTimeScalar) from: Date,
    @Arg("to", () => DateTimeScalar) to: Date,
    @Ctx() ctx: Context,
  ): Promise<AccountStatement> {
    return ctx.services.portfolios.statement(ctx.session, portfolioId, from, to);
  }

  @FieldResolver(() => String, { description: "The statement as a document: JSON, CSV (RFC 4180, one row per movement) or XML." })
  content(@Root() statement: AccountStatement, @Arg("format", () => ReportFormat) format: ReportFormat): string {
    return renderStatement(statement, format);
  }
}
