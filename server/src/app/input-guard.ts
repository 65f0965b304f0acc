import {
  defaultFieldResolver,
  getNullableType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLObjectType,
  type GraphQLSchema,
  GraphQLString,
} from "graphql";
import { badUserInput } from "../infra/errors";
import { FREE_TEXT, isUuid, LINE, NARRATIVE, textProblem, type TextRule } from "../infra/graphql/text";

/**
 * Strings that are not one short line, by schema coordinate (`InputType.field` or
 * `Type.field(arg:)`). Every other String argument and input field is a LINE: one line, at
 * most 200 characters. A feature adding a long or multi-line field adds its line here.
 */
export const TEXT_RULES: Readonly<Record<string, TextRule>> = {
  "CreatePortfolioInput.description": FREE_TEXT,
  "KycDecisionInput.reason": FREE_TEXT,
  // A passport's MRZ is two lines of 44 characters (an identity card's three of 30).
  "KycInput.mrz": { kind: "multiline", max: 200 },
  // EIP-4361 signatures are 65 bytes of hex; the limit only keeps the field bounded.
  "LinkWalletInput.signature": { kind: "line", max: 1_000 },
  // An officer's working notes on a case, and the SAR's narrative (the compliance feature also bounds them by kind).
  "Mutation.addCaseNote(text:)": FREE_TEXT,
  "Mutation.escalateCase(reason:)": FREE_TEXT,
  "Mutation.closeCase(resolution:)": FREE_TEXT,
  "Mutation.fileSar(narrative:)": NARRATIVE,
  // Staff looking a person up by name or email (the audit page's filter).
  "Query.users(search:)": { kind: "line", max: 100 },
  // A webhook's destination: browsers and proxies accept URLs up to about 2,000 characters.
  "Mutation.createWebhook(url:)": { kind: "line", max: 2_048 },
  // A CIDR range: the longest IPv6 one is 43 characters.
  "Mutation.createApiKey(allowedIps:)": { kind: "line", max: 50 },
};

/** Checks one coerced argument value; throws BAD_USER_INPUT naming the path of the bad value. */
type Check = (value: unknown, path: string) => void;

/**
 * Wraps every field that takes a String or an ID (in an argument, a list, or an input object)
 * so that its arguments are checked before the resolver, the auth checker or a subscription's
 * start runs: over HTTP and graphql-ws alike, for every operation, in this one place. Fields
 * without such arguments are left untouched and cost nothing.
 */
export function guardInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) guardField(type.name, field);
  }
  return schema;
}

function guardField(typeName: string, field: GraphQLField<unknown, unknown>): void {
  const checks = field.args.map((arg) => [arg.name, checkFor(arg.type, `${typeName}.${field.name}(${arg.name}:)`, new Set())] as const).filter(
    (entry): entry is readonly [string, Check] => entry[1] !== null,
  );
  if (checks.length === 0) return;
  const checkArgs = (args: Record<string, unknown>) => {
    for (const [name, check] of checks) if (args[name] !== undefined && args[name] !== null) check(args[name], name);
  };
  const wrap = (resolver: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> =>
    (source, args, context, info) => {
      checkArgs(args);
      return resolver(source, args, context, info);
    };
  field.resolve = wrap(field.resolve ?? defaultFieldResolver);
  if (field.subscribe) field.subscribe = wrap(field.subscribe);
}

/** A checker for values of `type`, or null when nothing in it is a String or an ID. */
function checkFor(type: GraphQLInputType, coordinate: string, visiting: Set<string>): Check | null {
  const nullable = getNullableType(type);
  if (nullable instanceof GraphQLList) {
    const item = checkFor(nullable.ofType, coordinate, visiting);
    if (!item) return null;
    return (value, path) => {
      if (Array.isArray(value)) value.forEach((element, index) => element !== null && item(element, `${path}[${index}]`));
    };
  }
  if (nullable === GraphQLString) {
    const rule = TEXT_RULES[coordinate] ?? LINE;
    return (value, path) => {
      const problem = typeof value === "string" ? textProblem(value, rule) : null;
      if (problem) throw badUserInput(`${path} ${problem}`, path);
    };
  }
  if (nullable === GraphQLID) {
    return (value, path) => {
      if (typeof value !== "string" || !isUuid(value)) throw badUserInput(`${path} is not a valid id`, path);
    };
  }
  if (nullable instanceof GraphQLInputObjectType) {
    if (visiting.has(nullable.name)) return null;
    visiting.add(nullable.name);
    const fields = Object.values(nullable.getFields())
      .map((inner) => [inner.name, checkFor(inner.type, `${nullable.name}.${inner.name}`, visiting)] as const)
      .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
    visiting.delete(nullable.name);
    if (fields.length === 0) return null;
    return (value, path) => {
      const record = value as Record<string, unknown>;
      for (const [name, check] of fields) if (record[name] !== undefined && record[name] !== null) check(record[name], `${path}.${name}`);
    };
  }
  return null;
}
