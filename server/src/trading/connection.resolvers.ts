import { FieldResolver, Int, Resolver, Root } from "type-graphql";
import { FillConnection, OrderConnection } from "./trading.types";

/** `totalCount` of the order and fill lists: a count statement only when a client selects it. */
@Resolver(() => OrderConnection)
export class OrderConnectionResolver {
  @FieldResolver(() => Int, { description: "Orders matching the filters, on every page." })
  totalCount(@Root() connection: OrderConnection): Promise<number> {
    return connection.count();
  }
}

@Resolver(() => FillConnection)
export class FillConnectionResolver {
  @FieldResolver(() => Int, { description: "Fills matching the filters, on every page." })
  totalCount(@Root() connection: FillConnection): Promise<number> {
    return connection.count();
  }
}
