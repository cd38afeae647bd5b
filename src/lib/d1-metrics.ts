/**
 * Opt-in D1 metering for the benchmarks: counts the rows D1 reads and writes per request, so
 * « rows read per request » (what D1 bills) is measured, not guessed.
 *
 * D1 reports `meta.rows_read` on `run()`/`all()`/`batch()` results, but drizzle reads selects with
 * `raw()`, which returns bare arrays and drops the meta. In metrics mode only, a `raw()` or
 * `first()` call is therefore run a second time with `all()` to read its meta (the caller still
 * gets the untouched `raw()`/`first()` answer). That doubles those queries' work: never enable it
 * while timing, never in production. It is enabled by the var `D1_METRICS = "on"` (src/index.ts).
 * @see https://developers.cloudflare.com/d1/worker-api/return-object/#d1result
 */

export type D1Counter = { rowsRead: number; rowsWritten: number; queries: number };

export const newCounter = (): D1Counter => ({ rowsRead: 0, rowsWritten: 0, queries: 0 });

type Meta = { rows_read?: number; rows_written?: number } | undefined;

function add(counter: D1Counter, meta: Meta) {
  counter.queries++;
  counter.rowsRead += meta?.rows_read ?? 0;
  counter.rowsWritten += meta?.rows_written ?? 0;
}

/** A prepared statement that forwards every call to the real one and records its meta. */
class MeteredStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly counter: D1Counter,
  ) {}

  bind(...values: unknown[]) {
    return new MeteredStatement(this.inner.bind(...values), this.counter);
  }

  async run() {
    const result = await this.inner.run();
    add(this.counter, result.meta);
    return result;
  }

  async all() {
    const result = await this.inner.all();
    add(this.counter, result.meta);
    return result;
  }

  // `any`: mirrors D1PreparedStatement.raw's overloads.
  async raw(options?: any) {
    const rows = await this.inner.raw(options);
    add(this.counter, (await this.inner.all()).meta);
    return rows;
  }

  async first(column?: string) {
    const row = column === undefined ? await this.inner.first() : await this.inner.first(column);
    add(this.counter, (await this.inner.all()).meta);
    return row;
  }
}

const unwrap = (s: unknown) => (s instanceof MeteredStatement ? s.inner : (s as D1PreparedStatement));

/**
 * Wraps a D1 database (or a session from `withSession`) so every query through it adds its
 * `rows_read`/`rows_written` to `counter`. Results are returned as D1 gave them.
 */
export function meterD1<T extends D1Database | D1DatabaseSession>(db: T, counter: D1Counter): T {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => new MeteredStatement(target.prepare(sql), counter);
      }
      if (prop === "batch") {
        return async (statements: unknown[]) => {
          const results = await target.batch(statements.map(unwrap));
          for (const r of results) add(counter, r.meta);
          return results;
        };
      }
      if (prop === "withSession" && "withSession" in target) {
        return (constraint?: string) => meterD1((target as D1Database).withSession(constraint), counter);
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
