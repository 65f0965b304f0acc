import "reflect-metadata";
import { expect } from "chai";
import { getNamedType, type GraphQLField, isObjectType } from "graphql";
import { getMetadataStorage } from "type-graphql";
import { getSchema } from "./schema";
import { SHARED_SUBSCRIPTION_FIELDS } from "./shared-subscriptions";

/**
 * An event of a shared subscription is executed once, with the first subscriber's context, for
 * everyone: that is only right while nothing under those fields depends on who is asking.
 */
describe("shared subscription events", () => {
  it("when a subscription is shared, then no field under it is role-gated or reads the caller's context", async () => {
    const schema = await getSchema();
    const storage = getMetadataStorage();
    const subscription = schema.getSubscriptionType()!.getFields();
    const readsCaller = (target: Function, methodName: string) =>
      storage.params.some((param) => param.target === target && param.methodName === methodName && ["context", "info", "custom"].includes(param.kind));

    const seen = new Set<string>();
    const visit = (field: GraphQLField<unknown, unknown>, path: string) => {
      const type = getNamedType(field.type);
      if (!isObjectType(type) || seen.has(type.name)) return;
      seen.add(type.name);
      const classes = storage.objectTypes.filter((meta) => meta.name === type.name).map((meta) => meta.target);
      for (const [name, child] of Object.entries(type.getFields())) {
        const where = `${path}.${name}`;
        expect(storage.authorizedFields.some((meta) => classes.includes(meta.target) && meta.fieldName === name), `${where} is @Authorized`).to.equal(false);
        const resolvers = storage.fieldResolvers.filter((meta) => meta.schemaName === name && classes.includes(meta.getObjectType?.() as Function));
        for (const resolver of resolvers) expect(readsCaller(resolver.target, resolver.methodName), `${where} reads the context`).to.equal(false);
        visit(child, where);
      }
    };
    for (const name of SHARED_SUBSCRIPTION_FIELDS) {
      const field = subscription[name];
      expect(field, `Subscription.${name} exists`).to.not.equal(undefined);
      const root = storage.subscriptions.find((meta) => meta.schemaName === name)!;
      expect(readsCaller(root.target, root.methodName), `Subscription.${name} resolves with the context`).to.equal(false);
      visit(field, name);
    }
    // The walk reached the types it guards.
    expect([...seen]).to.include.members(["Quote", "Trade", "OrderBookSnapshot"]);
  });
});
