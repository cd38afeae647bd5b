#!/usr/bin/env node
// `npm run dev`: prepares a fresh clone and starts the Worker locally, offline.
// 1. .dev.vars from .dev.vars.example (once); 2. local D1 migrations; 3. demo data (idempotent);
// 4. wrangler dev. Extra arguments go to wrangler dev (e.g. `npm run dev -- --port 8788`).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { backfillFile, searchIndexFile } from "./backfill-file.mjs";

const run = (args) => {
  const r = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example");
}
process.env.CI = "true"; // makes `migrations apply` skip its confirmation prompt
run(["d1", "migrations", "apply", "DB", "--local"]);
run(["d1", "execute", "DB", "--local", "--file", "scripts/demo-data.sql"]);
run(["d1", "execute", "DB", "--local", "--file", backfillFile()]);
run(["d1", "execute", "DB", "--local", "--file", searchIndexFile()]);
console.log(`
Demo data loaded. Admin token: see .dev.vars (ADMIN_TOKEN).
Demo certification body oc_demo — API key spp_demo_certifier_key_for_local_dev_only,
webhook secret whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh (local dev only).
`);
const dev = spawn("npx", ["wrangler", "dev", ...process.argv.slice(2)], { stdio: "inherit" });
dev.on("exit", (code) => process.exit(code ?? 0));
