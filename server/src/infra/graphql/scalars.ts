import { GraphQLScalarType, Kind } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { canonicalDecimal, decimalInputProblem, MAX_FRACTION_DIGITS, MAX_WHOLE_DIGITS } from "../decimal";

const DECIMAL_HELP = `Decimal must be a string of digits with an optional fraction, such as "1250.50": at most ${MAX_WHOLE_DIGITS} digits before the point and ${MAX_FRACTION_DIGITS} after it`;

/**
 * The one check of every decimal the API receives, as a variable or inline. JSON numbers are
 * refused, not converted: by the time a client sent one, a float may already have rounded the
 * amount. More places than the database keeps are refused, never rounded.
 */
function parseDecimal(value: unknown): string {
  if (typeof value !== "string") throw new TypeError(DECIMAL_HELP);
  const problem = decimalInputProblem(value);
  if (problem) throw new TypeError(`${DECIMAL_HELP} (${problem})`);
  return canonicalDecimal(value);
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: "Decimal",
  description: 'An exact decimal number carried as a string, e.g. "1250.50". Never a JSON number.',
  serialize(value) {
    if (typeof value !== "string") throw new TypeError("Decimal values are produced from strings only");
    return canonicalDecimal(value);
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new TypeError(DECIMAL_HELP);
    return parseDecimal(ast.value);
  },
});

/** ISO 8601 date-time in UTC, e.g. "2026-01-31T12:00:00.000Z". */
export const DateTimeScalar = DateTimeResolver;
