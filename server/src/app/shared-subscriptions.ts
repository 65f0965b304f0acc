import {
  createSourceEventStream,
  type DocumentNode,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  Kind,
  print,
  subscribe,
} from "graphql";

/**
 * Root subscription fields whose every event is public market data, the same for everyone who
 * asks for it with the same selection: nothing under them reads the caller's session (checked
 * by shared-subscriptions.spec.ts against the schema's authorization metadata).
 */
export const SHARED_SUBSCRIPTION_FIELDS: ReadonlySet<string> = new Set(["quotes", "trades", "orderBook"]);

type Result = ExecutionResult | Promise<ExecutionResult>;

/** event -> (operation text and variables -> its result). Events are the objects pub/sub hands every listener. */
const executed = new WeakMap<object, Map<string, Result>>();
/** The text of each document seen (subscribers of the same operation share one document). */
const printed = new WeakMap<DocumentNode, string>();

/**
 * `subscribe` for graphql-ws. A subscription to public market data is authorized and set up
 * per subscriber as usual (the root field's `subscribe` runs with the subscriber's context and
 * picks the topics it may see), but each event is executed once per distinct operation and
 * variables rather than once per subscriber: with ten thousand subscribers to a symbol, one
 * quote is one execution, not ten thousand. Every other subscription executes per subscriber.
 */
export async function subscribeSharingEvents(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const operation = getOperationAST(args.document, args.operationName);
  const roots = operation?.selectionSet.selections ?? [];
  const shared = roots.length === 1 && roots[0].kind === Kind.FIELD && SHARED_SUBSCRIPTION_FIELDS.has(roots[0].name.value);
  if (!shared) return subscribe(args);
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  let text = printed.get(args.document);
  if (text === undefined) printed.set(args.document, (text = print(args.document)));
  const key = `${text}\n${args.operationName ?? ""}\n${JSON.stringify(args.variableValues ?? {})}`;
  return mapEvents(source, (event) => {
    if (typeof event !== "object" || event === null) return execute({ ...args, rootValue: event });
    let results = executed.get(event);
    if (!results) executed.set(event, (results = new Map()));
    let result = results.get(key);
    if (!result) results.set(key, (result = execute({ ...args, rootValue: event })));
    return result;
  });
}

/**
 * An iterator rather than an async generator: a generator waiting on its source cannot be
 * returned until the next event, so a quiet topic would keep a closed client subscribed.
 */
function mapEvents(source: AsyncIterable<unknown>, map: (event: unknown) => Result): AsyncGenerator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const finish = async (): Promise<IteratorResult<ExecutionResult>> => {
    await iterator.return?.();
    return { done: true, value: undefined };
  };
  return {
    async next() {
      const event = await iterator.next();
      return event.done ? { done: true, value: undefined } : { done: false, value: await map(event.value) };
    },
    return: finish,
    async throw(error?: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<ExecutionResult>;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === "function";
}
