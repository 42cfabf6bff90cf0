/**
 * `mapping.q`: the operators of a mapper document. A property's value may be a condition
 * (`q.gte(x)`, `q.in_([...])`) in a WHERE or IF clause, or an assignment (`q.incr(1)`,
 * `q.append([...])`) in an UPDATE's SET clause.
 *
 * @module
 */
import { ArgumentError } from "../errors.ts";

/** A CQL condition operator (`>=`, `IN`, ...) and its operand. */
export class QueryOperator {
  /** The CQL operator (`AND` for two conditions on one column). */
  readonly key: string;
  /** The operand; for `AND`, the two conditions. */
  readonly value: unknown;
  /** Whether `value` holds two conditions (`AND`). */
  readonly hasChildValues: boolean;
  /** Whether this is `IN`. */
  readonly isInOperator: boolean;

  /** Made by the `q` functions. */
  constructor(key: string, value: unknown, hasChildValues = false, isInOperator = false) {
    this.key = key;
    this.value = value;
    this.hasChildValues = hasChildValues;
    this.isInOperator = isInOperator;
  }
}

/** A CQL assignment from the column's own value: `c = c + ?`, or `c = ? + c` when inverted. */
export class QueryAssignment {
  /** `+` or `-`. */
  readonly sign: string;
  /** The operand. */
  readonly value: unknown;
  /** Whether the operand goes first (a list prepend). */
  readonly inverted: boolean;

  /** Made by the `q` functions. */
  constructor(sign: string, value: unknown, inverted = false) {
    this.sign = sign;
    this.value = value;
    this.inverted = inverted;
  }
}

/**
 * The operators, as cassandra-driver's `mapping.q`.
 *
 * @example
 * ```ts ignore
 * await videos.find({ userId, addedDate: q.gte(since) });
 * await counters.update({ id, hits: q.incr(1) });
 * ```
 */
export const q: {
  /** `IN` (an array of values). */
  in_(arr: readonly unknown[]): QueryOperator;
  /** `>`. */
  gt(value: unknown): QueryOperator;
  /** `>=`. */
  gte(value: unknown): QueryOperator;
  /** `<`. */
  lt(value: unknown): QueryOperator;
  /** `<=`. */
  lte(value: unknown): QueryOperator;
  /** `!=`. */
  notEq(value: unknown): QueryOperator;
  /** Two conditions on the same column, e.g. `q.and(q.gte(a), q.lt(b))`. */
  and(condition1: unknown, condition2: unknown): QueryOperator;
  /** `c = c + value` (counters). */
  incr(value: unknown): QueryAssignment;
  /** `c = c - value` (counters). */
  decr(value: unknown): QueryAssignment;
  /** `c = c + value` (collections). */
  append(value: unknown): QueryAssignment;
  /** `c = value + c` (lists). */
  prepend(value: unknown): QueryAssignment;
  /** `c = c - value` (collections). */
  remove(value: unknown): QueryAssignment;
} = {
  in_(arr) {
    if (!Array.isArray(arr)) throw new ArgumentError("IN operator supports only Array values");
    return new QueryOperator("IN", arr, false, true);
  },
  gt: (value) => new QueryOperator(">", value),
  gte: (value) => new QueryOperator(">=", value),
  lt: (value) => new QueryOperator("<", value),
  lte: (value) => new QueryOperator("<=", value),
  notEq: (value) => new QueryOperator("!=", value),
  and: (c1, c2) => new QueryOperator("AND", [c1, c2], true),
  incr: (value) => new QueryAssignment("+", value),
  decr: (value) => new QueryAssignment("-", value),
  append: (value) => new QueryAssignment("+", value),
  prepend: (value) => new QueryAssignment("+", value, true),
  remove: (value) => new QueryAssignment("-", value),
};
