import type { EntityManager } from "typeorm";

/** A column of a bulk statement: its name, its PostgreSQL type, and how a row gives its value. */
export type BulkColumn<T> = [name: string, type: string, value: (row: T) => unknown];

/**
 * Many writes to many tables as one statement, so a batch's journal costs one round trip
 * whatever it holds: each write is a data-modifying CTE of one `WITH ... SELECT 1`. Rows go in
 * as one array parameter per column, unnested by PostgreSQL: cheaper than a VALUES list (no
 * per-row parameters to build or parse) and within the protocol's parameter limit for any
 * batch size. The writes of one statement must not touch the same row twice (PostgreSQL does
 * not define which would win); constraints and foreign keys are checked at the statement's
 * end, so rows may refer to rows inserted beside them.
 */
export class Journal {
  private readonly writes: string[] = [];
  private readonly params: unknown[] = [];

  /** Inserts `rows`; `suffix` may add an ON CONFLICT clause. */
  insert<T>(table: string, columns: Array<BulkColumn<T>>, rows: T[], suffix = ""): this {
    if (rows.length === 0) return this;
    const arrays = columns.map(([, type, value]) => `${this.param(rows.map((row) => value(row)))}::${type}[]`);
    this.writes.push(`INSERT INTO ${table} (${columns.map(([name]) => name).join(", ")}) SELECT * FROM unnest(${arrays.join(", ")}) ${suffix}`.trimEnd());
    return this;
  }

  /**
   * Inserts what `select` makes of `rows` unnested as `src` (one column per BulkColumn, by its
   * name), with `join` after it: a fan-out, one input row to as many rows as it joins.
   */
  insertFrom<T>(table: string, into: string[], columns: Array<BulkColumn<T>>, rows: T[], select: string, join: string): this {
    if (rows.length === 0) return this;
    const arrays = columns.map(([, type, value]) => `${this.param(rows.map((row) => value(row)))}::${type}[]`);
    this.writes.push(`INSERT INTO ${table} (${into.join(", ")}) SELECT ${select} FROM unnest(${arrays.join(", ")}) AS src(${columns.map(([name]) => name).join(", ")}) ${join}`);
    return this;
  }

  /** Updates rows by `key`: `SET column = new value` for each column given. */
  update<T>(table: string, key: BulkColumn<T>, columns: Array<BulkColumn<T>>, rows: T[]): this {
    if (rows.length === 0) return this;
    const all = [key, ...columns];
    const arrays = all.map(([, type, value]) => `${this.param(rows.map((row) => value(row)))}::${type}[]`);
    this.writes.push(
      `UPDATE ${table} t SET ${columns.map(([name]) => `${name} = v.${name}`).join(", ")}
         FROM unnest(${arrays.join(", ")}) AS v(${all.map(([name]) => name).join(", ")})
        WHERE t.${key[0]} = v.${key[0]}`,
    );
    return this;
  }

  get empty(): boolean {
    return this.writes.length === 0;
  }

  /** Runs every write in one statement, in the caller's transaction. */
  async write(manager: EntityManager): Promise<void> {
    if (this.writes.length === 0) return;
    const sql = this.writes.length === 1 ? this.writes[0] : `WITH ${this.writes.map((write, i) => `w${i} AS (${write})`).join(",\n")} SELECT 1`;
    await manager.query(sql, this.params);
    this.writes.length = 0;
    this.params.length = 0;
  }

  private param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}
