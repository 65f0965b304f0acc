import type { EntityManager } from "typeorm";

/** A column of a bulk statement: its name, its PostgreSQL type, and how a row gives its value. */
export type BulkColumn<T> = [name: string, type: string, value: (row: T) => unknown];

/**
 * Inserts many rows with one statement whatever their number: one array parameter per column,
 * unnested by PostgreSQL. Cheaper than a VALUES list (no per-row parameters to build or parse)
 * and within the protocol's parameter limit for any batch size.
 */
export async function bulkInsert<T>(manager: EntityManager, table: string, columns: Array<BulkColumn<T>>, rows: T[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO ${table} (${columns.map(([name]) => name).join(", ")}) SELECT * FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ")})`,
    columns.map(([, , value]) => rows.map((row) => value(row))),
  );
}

/** Updates many rows by `key` with one statement: `SET column = new value` for each column given. */
export async function bulkUpdate<T>(manager: EntityManager, table: string, key: BulkColumn<T>, columns: Array<BulkColumn<T>>, rows: T[]): Promise<void> {
  if (rows.length === 0) return;
  const all = [key, ...columns];
  await manager.query(
    `UPDATE ${table} t SET ${columns.map(([name]) => `${name} = v.${name}`).join(", ")}
       FROM unnest(${all.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ")}) AS v(${all.map(([name]) => name).join(", ")})
      WHERE t.${key[0]} = v.${key[0]}`,
    all.map(([, , value]) => rows.map((row) => value(row))),
  );
}
