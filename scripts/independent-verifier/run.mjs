#!/usr/bin/env node
// What CI runs for the credentials of every state (ADR 0006): installs this folder's own dependencies if
// missing, starts the Worker as `npm run dev` does on a free port with a fresh local D1, a throwaway
// signing key and the demo data (scripts/demo.mjs), then runs verify.mjs against it — DIDKit, a second
// Bitstring Status List decoder, the registry's own verifier and examples/verify-credential.mjs must all
// report valid, suspended, revoked and expired for the four demo labels. Needs Node 22, not workerd.
//   node scripts/independent-verifier/run.mjs
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedDemo } from "../demo.mjs";
import { throwawaySigningKeys } from "../local.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");

/** @param {string} cmd @param {string[]} args @param {object} [opts] */
function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
}

if (!existsSync(join(here, "node_modules/@learncard/didkit-plugin"))) {
  // Without peer dependencies (as its .npmrc says): DIDKit's plugin names React Native and Expo as optional
  // peers, whose platform packages (e.g. @expo/modules-macros-linux-arm64) are not on every registry, so a
  // lock file listing them cannot be installed with `npm ci` there. The verifier needs none of them.
  sh("npm", ["ci", "--prefix", here, "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund"]);
}

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = /** @type {import("node:net").AddressInfo} */ (s.address()).port;
    s.close(() => resolve(p));
  });
});
// `localhost`: a verifier resolves did:web:localhost%3A<port> over plain HTTP (any other host, HTTPS).
const base = `http://localhost:${port}`;
const persist = mkdtempSync(join(tmpdir(), "spp-independent-d1-"));
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };
sh("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { env });
sh("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persist, "--file", "scripts/demo-data.sql"], {
  env,
});

const ADMIN_TOKEN = `independent-verifier-${randomBytes(12).toString("hex")}`;
const dev = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--port",
    String(port),
    "--persist-to",
    persist,
    "--var",
    `ADMIN_TOKEN:${ADMIN_TOKEN}`,
    ...throwawaySigningKeys(),
    "--var",
    `PUBLIC_BASE_URL:${base}`,
  ],
  { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
);
let devLog = "";
dev.stdout.on("data", (d) => (devLog += d));
dev.stderr.on("data", (d) => (devLog += d));
const stopDev = () => {
  try {
    if (dev.pid) process.kill(-dev.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stopDev);

let status = 1;
try {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${devLog}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await seedDemo(base, ADMIN_TOKEN);
  // Whatever the changes left to the minute cron (a status list whose bits a newcomer changed).
  for (let i = 0; i < 3; i++) await fetch(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  const r = spawnSync(process.execPath, [join(here, "verify.mjs")], {
    cwd: root,
    env: { ...process.env, REGISTRY_URL: base },
    stdio: "inherit",
  });
  status = r.status ?? 1;
} catch (err) {
  console.error(err);
} finally {
  stopDev();
}
process.exit(status);
