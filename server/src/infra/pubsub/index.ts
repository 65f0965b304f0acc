export { createPubSub, type PubSub } from "./pubsub";
export * from "./topics";
