import type { DataSource, SelectQueryBuilder } from "typeorm";
import { badUserInput } from "../infra/errors";
import { connectionPage, type PageArgs, pageRequest } from "../infra/graphql/pagination";
import { FillRow, OrderRow, type OrderStatus } from "./trading.entities";
import { toFill, toOrder } from "./trading.mappers";
import type { FillConnection, OrderConnection } from "./trading.types";

/** `<time>|<uuid>`: the row's time (to the millisecond, as written) and its id, the tie-break. */
const TIME_ID_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f-]{36}$/;

/** What both lists filter on; times are half-open, `from` included, `to` excluded. */
export interface TradeFilter {
  portfolioId?: string | null;
  symbol?: string | null;
  from?: Date | null;
  to?: Date | null;
  /** An API key limited to some portfolios reads only those. */
  reach?: string[] | null;
}

export interface OrderFilter extends TradeFilter, PageArgs {
  status?: OrderStatus[] | null;
}

export type FillFilter = TradeFilter & Pick<PageArgs, "first" | "after">;

/**
 * The caller's orders and fills, newest first, as Relay connections. Only the caller's rows
 * are ever read (`user_id`), so someone else's portfolio id simply matches nothing.
 */
export class OrderQueries {
  constructor(private readonly dataSource: DataSource) {}

  async orders(userId: string, filter: OrderFilter): Promise<OrderConnection> {
    const request = pageRequest(filter, TIME_ID_CURSOR, 20, 100);
    const query = this.dataSource.getRepository(OrderRow).createQueryBuilder("o").where("o.user_id = :userId", { userId });
    this.filter(query, "o", "o.created_at", filter);
    if (filter.status?.length) query.andWhere("o.status IN (:...status)", { status: filter.status });
    return this.page(query, "o", "created_at", request, (row) => row.createdAt, toOrder);
  }

  async fills(userId: string, filter: FillFilter): Promise<FillConnection> {
    const request = pageRequest({ first: filter.first, after: filter.after }, TIME_ID_CURSOR, 50, 500);
    const query = this.dataSource
      .getRepository(FillRow)
      .createQueryBuilder("f")
      .innerJoin(OrderRow, "o", "o.id = f.order_id")
      .where("o.user_id = :userId", { userId });
    this.filter(query, "o", "f.executed_at", filter);
    return this.page(query, "f", "executed_at", request, (row) => row.executedAt, toFill);
  }

  private filter<T extends object>(query: SelectQueryBuilder<T>, orders: string, time: string, filter: TradeFilter): void {
    if (filter.from && filter.to && !(filter.from < filter.to)) throw badUserInput("from must be before to", "from");
    if (filter.portfolioId) query.andWhere(`${orders}.portfolio_id = :portfolioId`, { portfolioId: filter.portfolioId });
    if (filter.reach) query.andWhere(`${orders}.portfolio_id = ANY(:reach)`, { reach: filter.reach });
    if (filter.symbol) query.andWhere(`${orders}.symbol = :symbol`, { symbol: filter.symbol });
    if (filter.from) query.andWhere(`${time} >= :from`, { from: filter.from });
    if (filter.to) query.andWhere(`${time} < :to`, { to: filter.to });
  }

  /** One page in the request's direction, and how to count every row the filters match. */
  private async page<T extends { id: string }, N>(
    query: SelectQueryBuilder<T>,
    alias: string,
    timeColumn: string,
    request: ReturnType<typeof pageRequest>,
    timeOf: (row: T) => Date,
    nodeOf: (row: T) => N,
  ) {
    const counting = query.clone();
    if (request.position) {
      const [at, id] = request.position.split("|");
      // Newest first: forward goes to older rows, backward to newer ones.
      query.andWhere(`(${alias}.${timeColumn}, ${alias}.id) ${request.backward ? ">" : "<"} (:at::timestamptz, :id::uuid)`, { at, id });
    }
    const direction = request.backward ? "ASC" : "DESC";
    const rows = await query.orderBy(`${alias}.${timeColumn}`, direction).addOrderBy(`${alias}.id`, direction).limit(request.size + 1).getMany();
    return { ...connectionPage(rows, request, (row) => `${timeOf(row).toISOString()}|${row.id}`, nodeOf), count: () => counting.getCount() };
  }
}
