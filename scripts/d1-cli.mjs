// The D1 commands behind `npm run db:export` and `npm run db:import`: wrangler, on the local database
// (`.wrangler/state`, next to the config file) or, with --remote, on Cloudflare's.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

/** Parses the scripts' flags: --remote (default local), --config/--env passed on to wrangler. */
export function d1Args(extra = {}) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      remote: { type: "boolean", default: false },
      local: { type: "boolean", default: false },
      config: { type: "string" },
      env: { type: "string" },
      ...extra,
    },
  });
  if (values.remote && values.local) throw new Error("--local or --remote, not both");
  const where = [
    values.remote ? "--remote" : "--local",
    ...(values.config ? ["--config", values.config] : []),
    ...(values.env ? ["--env", values.env] : []),
  ];
  return { values, positionals, where };
}

/** Runs `wrangler …`; its output goes to the terminal (it may ask to confirm a remote change). */
export function wrangler(args) {
  const r = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} exited ${r.status}`);
}

/** The rows of one SQL statement (`wrangler d1 execute --json`). */
export function query(where, sql) {
  const r = spawnSync("npx", ["wrangler", "d1", "execute", "DB", ...where, "--json", "--command", sql], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`wrangler d1 execute failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf("[")))[0].results;
}

/**
 * What a dump holds: every ordinary table (the registry's, and d1_migrations so a restored database
 * knows which migrations it has) and the indexes, triggers and views on them. Left out: virtual
 * tables, which `wrangler d1 export` refuses, with the shadow tables they keep their data in (they
 * are rebuilt on import), and SQLite's and Cloudflare's internal tables.
 */
export function ordinaryObjects(where) {
  const schema = query(where, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL");
  const virtual = schema.filter((o) => o.type === "table" && /^CREATE VIRTUAL TABLE/i.test(o.sql)).map((o) => o.name);
  const tables = schema
    .filter((o) => o.type === "table")
    .map((o) => o.name)
    .filter(
      (n) =>
        !virtual.includes(n) &&
        !virtual.some((v) => n.startsWith(`${v}_`)) &&
        !n.startsWith("sqlite_") &&
        !n.startsWith("_cf_"),
    );
  const others = schema.filter((o) => o.type !== "table" && tables.includes(o.tbl_name)).map((o) => o.name);
  return { tables, others, virtual };
}
