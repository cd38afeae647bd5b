/**
 * Forced interleavings: a D1 binding whose `batch` can be held open, or made to fail, when one of its
 * statements matches a pattern — so that a test lands a competing write exactly between a verb's reads
 * and its batch (or between two of its batches), where production leaves it to timing.
 *
 *   const hook = interleave(env.DB);
 *   const held = hook.hold(/insert into "labels"/);            // the next batch inserting a label waits
 *   const first = recordDecision({ ...deps, db: hook.db }, …);  // reads, then its batch waits at the gate
 *   await held.reached;                                          // …here: its reads are done
 *   await recordDecision(deps, …);                              // the competing write lands
 *   held.release();                                             // the first batch goes to D1 now
 *   await expect(first).rejects.toThrow(…);
 *
 * Through HTTP, hand the binding to the Worker: `call("POST", …, { env: { DB: hook.d1 } })` (and
 * `deliver(…, { env: { DB: hook.d1 } })`): every route reads `c.env.DB`.
 * `hook.crash(pattern)` makes the next matching batch throw without reaching D1 (a D1 error or an isolate
 * dying before it), `{ after: true }` after it landed (the isolate dying before the caller hears back).
 * Each gate or crash applies once, to the first batch that matches; `hook.batches` lists every batch's SQL.
 */
import { getDb } from "../src/db/client";

type Pattern = RegExp | string;
const matches = (p: Pattern, sql: string) => (typeof p === "string" ? sql.includes(p) : p.test(sql));

export type Gate = {
  /** Resolves when a matching batch arrives and waits (its caller's reads are all done). */
  reached: Promise<void>;
  /** Lets the held batch go to D1. */
  release: () => void;
  /** Whether a batch reached this gate yet. */
  readonly hit: boolean;
};

type Rule =
  | { kind: "hold"; pattern: Pattern; gate: Gate; arrive: () => void; wait: Promise<void>; after: boolean }
  | { kind: "crash"; pattern: Pattern; after: boolean; error: Error };

/** The error a crash throws (a test tells it from a real failure with `instanceof`). */
export class InjectedCrash extends Error {
  constructor(what: string) {
    super(`Injected crash (${what})`);
    this.name = "InjectedCrash";
  }
}

export function interleave(d1: D1Database) {
  // The SQL of each prepared statement, for matching: D1 does not expose it on the statement.
  const sqlOf = new WeakMap<object, string>();
  const remember = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    sqlOf.set(stmt, sql);
    const bind = stmt.bind.bind(stmt);
    // Own property: a bound copy keeps its SQL too (drizzle prepares, then binds).
    Object.defineProperty(stmt, "bind", { value: (...args: unknown[]) => remember(bind(...args), sql) });
    return stmt;
  };
  const rules: Rule[] = [];
  const batches: string[][] = [];

  const take = (sqls: string[], after: boolean) => {
    const i = rules.findIndex((r) => r.after === after && sqls.some((s) => matches(r.pattern, s)));
    return i < 0 ? null : rules.splice(i, 1)[0]!;
  };
  const apply = async (rule: Rule | null) => {
    if (!rule) return;
    if (rule.kind === "crash") throw rule.error;
    rule.arrive();
    await rule.wait;
  };

  const batch = async (statements: D1PreparedStatement[]) => {
    const sqls = statements.map((s) => sqlOf.get(s) ?? "");
    batches.push(sqls);
    await apply(take(sqls, false));
    const result = await d1.batch(statements);
    await apply(take(sqls, true));
    return result;
  };

  const proxied = new Proxy(d1, {
    get(target, prop) {
      if (prop === "batch") return batch;
      if (prop === "prepare") return (sql: string) => remember(target.prepare(sql), sql);
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });

  return {
    /** The binding to hand to the Worker (`env: { DB: hook.d1 }`). */
    d1: proxied as D1Database,
    /** The same, as the verbs' `deps.db`. */
    db: getDb(proxied),
    /** The SQL of every batch sent through the hook, in order. */
    batches,
    /**
     * The next batch with a statement matching `pattern` waits for `release()`: before D1 sees it, or
     * with `{ after: true }` once it landed (its caller does not hear back until released).
     */
    hold(pattern: Pattern, opts: { after?: boolean } = {}): Gate {
      let arrive!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((r) => (arrive = r));
      const wait = new Promise<void>((r) => (release = r));
      let hit = false;
      const gate: Gate = {
        reached,
        release,
        get hit() {
          return hit;
        },
      };
      rules.push({
        kind: "hold",
        pattern,
        gate,
        arrive: () => {
          hit = true;
          arrive();
        },
        wait,
        after: opts.after ?? false,
      });
      return gate;
    },
    /**
     * The next batch matching `pattern` throws an `InjectedCrash`: before D1 sees it (nothing of it
     * lands), or with `{ after: true }` after it landed.
     */
    crash(pattern: Pattern, opts: { after?: boolean } = {}) {
      const after = opts.after ?? false;
      rules.push({
        kind: "crash",
        pattern,
        after,
        error: new InjectedCrash(`${after ? "after" : "before"} ${pattern}`),
      });
    },
    /** Drops the gates and crashes not reached yet (releasing any held batch is the test's job). */
    reset() {
      rules.length = 0;
    },
  };
}

export type Interleave = ReturnType<typeof interleave>;
