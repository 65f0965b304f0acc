import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar } from "../infra/graphql/scalars";
import type { WebhookRow } from "./webhook.entities";

/**
 * What a webhook may subscribe to. Compliance events (alerts, cases, screening hits, a
 * customer's risk rating) are deliberately absent: a customer must never learn they were
 * flagged (tipping-off), and a webhook goes to the customer's own systems.
 */
export enum WebhookEvent {
  ORDER_UPDATED = "ORDER_UPDATED",
  FILL = "FILL",
  TRANSACTION = "TRANSACTION",
  KYC_DECIDED = "KYC_DECIDED",
}

registerEnumType(WebhookEvent, { name: "WebhookEvent" });

@ObjectType()
export class Webhook {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field(() => [WebhookEvent])
  events!: WebhookEvent[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  lastDeliveryAt!: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatus!: number | null;

  static from(row: WebhookRow): Webhook {
    const { id, url, events, createdAt, lastDeliveryAt, lastStatus } = row;
    return Object.assign(new Webhook(), { id, url, events: events as WebhookEvent[], createdAt, lastDeliveryAt, lastStatus });
  }
}

@ObjectType()
export class WebhookWithSecret {
  @Field(() => Webhook)
  webhook!: Webhook;

  @Field({ description: "Shown once: verify each delivery's BlockGuardian-Signature with it." })
  secret!: string;
}
