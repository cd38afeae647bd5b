#!/usr/bin/env node
// `npm run db:reset`: throws the local database away (.wrangler/state/v3/d1) and builds it again with
// the demo data, as a fresh clone's first `npm run dev` would. The local edge cache and queues go too:
// a cached answer about a structure the new database no longer has would be a lie until its max-age. Use it after replaying a future date
// with the cron (the expiry job then really expires labels), or whenever local data is in the way.
// Refuses while `npm run dev` runs: it holds the same database. (`predb:reset` has checked Node.)
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { devAdminToken, prepareLocalDb, runningDevServer, seedAndTell, startDev } from "./local.mjs";

// Removing the database under a running Worker leaves it answering 500 (SQLITE_CANTOPEN) to every read.
const running = await runningDevServer();
if (running) {
  console.error(
    `npm run dev is running (http://localhost:${running}/) on the local database: stop it first (Ctrl+C in its ` +
      "terminal), then run `npm run db:reset` again. Nothing was changed.",
  );
  process.exit(1);
}

for (const part of ["d1", "cache", "queues"]) rmSync(`.wrangler/state/v3/${part}`, { recursive: true, force: true });
console.log("Local database, edge cache and queues removed (.wrangler/state/v3); building them again.");
const token = devAdminToken();
prepareLocalDb();
// A Worker on a free port, just long enough to seed; permalinks in the e-mails keep the usual URL.
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const { dev } = await startDev(
  ["--port", String(port), "--var", "PUBLIC_BASE_URL:http://localhost:8787", "--log-level", "error"],
  { stdio: "ignore" },
);
try {
  await seedAndTell(`http://localhost:${port}`, token, "http://localhost:8787");
} finally {
  process.kill(-dev.pid, "SIGTERM");
}
console.log("Done: `npm run dev` starts on this database.");
