#!/usr/bin/env node
// `npm run dev`: prepares a fresh clone and starts the Worker locally, offline (predev has checked
// Node and copied the assets). 1. .dev.vars from .dev.vars.example (once); 2. local D1 migrations and
// the demo body; 3. wrangler dev; 4. once it answers, the demo data through the API and signed
// webhooks (idempotent). Extra arguments go to wrangler dev (e.g. `npm run dev -- --port 8788`).
import {
  devAdminToken,
  markDevRunning,
  portOf,
  prepareLocalDb,
  runningDevServer,
  seedAndTell,
  startDev,
} from "./local.mjs";

const args = process.argv.slice(2);
const running = await runningDevServer();
if (running) {
  console.error(
    `npm run dev is already running (http://localhost:${running}/). Stop it first (Ctrl+C in its terminal).`,
  );
  process.exit(1);
}
markDevRunning(portOf(args));
const token = devAdminToken();
prepareLocalDb();
const { dev, base } = await startDev(args);
dev.on("exit", (code) => process.exit(code ?? 0));
try {
  await seedAndTell(base, token);
} catch (err) {
  // The Worker keeps running: the demo data is a convenience, not a condition.
  console.error(`Demo data not loaded: ${err?.message ?? err}. \`npm run db:reset\` rebuilds the local database.`);
}
