import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../app/context";
import { Webhook, WebhookEvent, WebhookWithSecret } from "./webhook.types";
import { rows } from "../infra/graphql/rows";
import { MAX_WEBHOOKS } from "./webhook.service";

/** Webhooks are managed by the signed-in account holder, like API keys: no key scope reaches them. */
@Resolver()
export class WebhookResolver {
  @Authorized()
  @Query(() => [Webhook], { description: "The caller's webhooks, oldest first.", complexity: rows(MAX_WEBHOOKS) })
  webhooks(@Ctx() ctx: Context): Promise<Webhook[]> {
    return ctx.services.webhooks.list(ctx.session);
  }

  @Authorized()
  @Mutation(() => WebhookWithSecret)
  createWebhook(@Arg("url") url: string, @Arg("events", () => [WebhookEvent]) events: WebhookEvent[], @Ctx() ctx: Context): Promise<WebhookWithSecret> {
    return ctx.services.webhooks.create(ctx.session, url, events);
  }

  @Authorized()
  @Mutation(() => Boolean)
  deleteWebhook(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.webhooks.delete(ctx.session, id);
  }
}
