// What `npm run dev` and `npm run db:reset` share: the local D1 (.wrangler/state), its schema and the
// demo body, a `wrangler dev` child, and the demo data seeded into it (scripts/demo.mjs).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { DEMO_BODY, seedDemo } from "./demo.mjs";

const wrangler = (args) => {
  const r = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env: { ...process.env, CI: "true" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

/** .dev.vars from .dev.vars.example on first run; returns its ADMIN_TOKEN. */
export function devAdminToken() {
  if (!existsSync(".dev.vars")) {
    copyFileSync(".dev.vars.example", ".dev.vars");
    console.log("Created .dev.vars from .dev.vars.example");
  }
  const token = readFileSync(".dev.vars", "utf8")
    .match(/^ADMIN_TOKEN=(.+)$/m)?.[1]
    ?.trim();
  if (!token) throw new Error(".dev.vars has no ADMIN_TOKEN");
  return token;
}

/** Migrations, then the demo body (its credentials are fixed, so it is written as SQL). */
export function prepareLocalDb() {
  // CI=true makes `migrations apply` skip its confirmation prompt.
  wrangler(["d1", "migrations", "apply", "DB", "--local"]);
  wrangler(["d1", "execute", "DB", "--local", "--file", "scripts/demo-data.sql"]);
}

/** The port `wrangler dev` will listen on, from its arguments (`--port 8813`, `--port=8813`). */
export function portOf(args) {
  const i = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return 8787;
  return Number(args[i].includes("=") ? args[i].split("=")[1] : args[i + 1]);
}

/** Starts `wrangler dev` with `args`; resolves once /health answers, or rejects if it exits. */
export async function startDev(args, { stdio = "inherit" } = {}) {
  const port = portOf(args);
  const base = `http://localhost:${port}`;
  const extra = args.some((a) => a.startsWith("PUBLIC_BASE_URL:")) ? [] : ["--var", `PUBLIC_BASE_URL:${base}`];
  const dev = spawn("npx", ["wrangler", "dev", ...args, ...extra], { stdio, detached: stdio !== "inherit" });
  for (let i = 0; i < 240 && dev.exitCode === null; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { dev, base };
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not answer on ${base}/health`);
}

/** Seeds the demo data and prints what there is to see (at `shown`, the URL people will open). */
export async function seedAndTell(base, adminToken, shown = base) {
  const results = await seedDemo(base, adminToken);
  const width = Math.max(...results.map((r) => r.code.length));
  const lines = results.map(
    (r) =>
      `  ${r.code.padEnd(width)}  ${[r.state, r.tier, r.labelNumber].filter(Boolean).join(" · ")}` +
      (r.note ? `  (${r.note})` : ""),
  );
  console.log(`
Demo data (fictional structures, one per public state):
${lines.join("\n")}
Home page ${shown}/ · API reference ${shown}/docs · e-mails ${shown}/dev/outbox
Back-office ${shown}/admin: sign in with ADMIN_TOKEN (administration) or the demo body's API key (its portal).
Admin token: ADMIN_TOKEN in .dev.vars. Demo certification body ${DEMO_BODY.id}: API key ${DEMO_BODY.apiKey},
webhook secret ${DEMO_BODY.webhookSecret} (local dev only).
`);
  if (results.some((r) => r.state === "error")) {
    console.log("Some demo data could not be built (above). `npm run db:reset` rebuilds the local database.\n");
  }
  return results;
}
