import { GraphQLError } from "graphql";
import type { ComplexityEstimator, ComplexityEstimatorArgs } from "graphql-query-complexity";

/**
 * What a list may hold that only the running platform knows: how many instruments are listed
 * (positions, allocations, market data status and the instrument list itself are bounded by it).
 * The rate limiter prices every operation with the count of the moment.
 */
export interface ListBounds {
  instruments: number;
}

/** How many rows a plain list may return: a constant, or worked out from its arguments and the platform's bounds. */
export type RowBound = number | ((args: Record<string, unknown>, bounds: ListBounds) => number);

/** Unpriceable arguments refuse the whole operation, before anything runs. */
class UnpricedArgumentError extends GraphQLError {
  constructor(field: string, argument: string, expected: string) {
    super(`Cannot price ${field}(${argument}:): ${argument} must be ${expected}`, { extensions: { code: "BAD_USER_INPUT", field: argument } });
  }
}

/**
 * A size argument (`first`, `limit`, `depth`) as the estimator may use it: absent means the
 * default; anything but a whole number from 1 to `max` cannot be priced. Without this, a
 * negative `limit` priced a field below zero and made the operation around it free.
 */
export function sizeArgument(options: Pick<ComplexityEstimatorArgs, "args" | "field">, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = options.args[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new UnpricedArgumentError(options.field.name, name, `a whole number from 1 to ${max}`);
  }
  return value;
}

function listBounds(options: ComplexityEstimatorArgs): ListBounds {
  const bounds = options.context?.bounds as ListBounds | undefined;
  if (!bounds) throw new Error(`${options.field.name} is priced by the platform's list bounds, and none were given`);
  return bounds;
}

/**
 * The price of a plain list (a field's `complexity`): every row it may return costs one point
 * and whatever is asked of that row, so a list never costs less than the rows it may return.
 */
export function rows(bound: RowBound): ComplexityEstimator {
  return (options) => {
    const count = typeof bound === "number" ? bound : bound(options.args, listBounds(options));
    return count * (1 + options.childComplexity);
  };
}

/**
 * A list whose rows its parent counts (an order book's levels, by the book's depth): each row is
 * one point and what is asked of it, and the parent multiplies by how many there may be.
 */
export const rowOfParent: ComplexityEstimator = (options) => 1 + options.childComplexity;

/** A list with a row per listed instrument at most (positions, allocations, statuses, tokens). */
export const byInstruments: RowBound = (_args, bounds) => bounds.instruments;

/**
 * The points of a series the server computes (an equity curve): priced with the computation
 * that makes them, as one row, not per point. Ten years of daily points would not fit any
 * budget, and they are neither stored rows nor loaded one by one.
 */
export const computedSeries: ComplexityEstimator = (options) => 1 + options.childComplexity;
