#!/usr/bin/env node
/**
 * `npm run bench` — measures the Worker locally at 100,000 labels and prints ONE table:
 * req/s, p50, p99, ratio to /health and to the floor of the same run (a bare Worker with the same
 * bindings: one Cache API lookup, one D1 row by primary key), D1 rows read per request; then the
 * bundle size (gzipped) and the Worker's start-up time. Full mode writes bench/RESULTS.md.
 * `npm run bench -- --quick` (CI): 5,000 structures, short runs, prints only, and exits 1 if a
 * non-timing bar fails (rows read per request, bundle ≤ 1 MiB gzipped, expected statuses).
 *
 * Phases: seed (or reuse) → bundle → `wrangler dev` of the registry with D1_METRICS off and of
 * bench/floor-worker.mjs, side by side, each on its own copy of the seed (timing) → `wrangler dev`
 * with D1_METRICS on (rows read; never timed, as metering re-runs selects). Each phase starts from a
 * fresh copy of the seed, so a cron that expires labels sees the same data every time.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { Webhook } from "standardwebhooks";
import { throwawaySigningKeys } from "../scripts/local.mjs";
import { CERTIFICATE_CPU_MS, certificateCpu, certificateSummary } from "./certificate.mjs";
import { credentialSample, seedCredentials, signingSummary } from "./credentials.mjs";
import { scenarios } from "./scenarios.mjs";
import { DATA_DIR, d1File, seed } from "./seed.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    count: { type: "string" },
    duration: { type: "string" },
    connections: { type: "string" },
    only: { type: "string" },
  },
});
const QUICK = args.quick;
const COUNT = Number(args.count ?? (QUICK ? 5_000 : 100_000));
const DURATION = Number(args.duration ?? (QUICK ? 2 : 10));
const CONNECTIONS = Number(args.connections ?? 10);
const ADMIN_TOKEN = "bench-admin-token-0123456789";
/** The demo body's public dev secret (scripts/demo-data.sql). */
const DEMO_WEBHOOK_SECRET = "whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh";
const RUN_DIR = join(DATA_DIR, "run");
const BUNDLE_LIMIT = 1024 * 1024;
// Ratios need the baseline and the floors: they are always measured.
const selected = args.only ? scenarios.filter((s) => s.baseline || s.id || s.name.includes(args.only)) : scenarios;
const FLOOR_WORKER = "bench/floor-worker.mjs";

const log = (...a) => console.error(...a);

/** A free TCP port in 8900–8999 (the range this project's benchmarks may use on shared machines). */
async function freePort(exclude = []) {
  for (let p = 8900; p <= 8999; p++) {
    if (exclude.includes(p)) continue;
    const ok = await new Promise((resolve) => {
      const srv = createServer().once("error", () => resolve(false));
      srv.listen(p, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error("No free port in 8900–8999");
}

/** Values the scenarios build requests from, read from the seeded database. */
function context(info) {
  const db = new DatabaseSync(d1File(info.dir), { readOnly: true });
  const one = (sql, ...p) => db.prepare(sql).get(...p);
  const code = one(
    "SELECT structure_code AS c FROM labels WHERE status = 'valid' ORDER BY number LIMIT 1 OFFSET ?",
    Math.floor(info.count / 3),
  ).c;
  // « Lycée de Nîmes n° 33412 (fictif) »: the name of one labelled structure, found by search.
  const { name } = one("SELECT name FROM structures WHERE code = ?", code);
  const labelNumber = one("SELECT number AS n FROM labels WHERE structure_code = ? AND status = 'valid'", code).n;
  const deepCode = one(
    "SELECT code AS c FROM structures ORDER BY code LIMIT 1 OFFSET ?",
    Math.floor(info.count * 0.9),
  ).c;

  // Every labelled structure, shuffled deterministically: a request per code is an edge-cache miss.
  const current = db
    .prepare(
      "SELECT structure_code AS c, number AS n FROM labels WHERE superseded_by IS NULL ORDER BY substr(number, -3), number",
    )
    .all();
  const codes = current.map((r) => r.c);
  const numbers = current.map((r) => r.n);
  const demoCodes = db
    .prepare("SELECT code FROM structures WHERE certifier_id = 'oc_demo' ORDER BY code LIMIT 1000")
    .all()
    .map((r) => r.code);
  db.close();
  const demo = new Webhook(DEMO_WEBHOOK_SECRET);
  const cursor = (key) => Buffer.from(JSON.stringify(key)).toString("base64url");
  return {
    ...info,
    adminToken: ADMIN_TOKEN,
    cursor,
    sample: {
      code,
      labelNumber,
      name,
      deepCode,
      demoCodes,
      codes,
      numbers,
    },
    /** Standard Webhooks headers for `body`, signed with the demo body's (oc_demo) secret. */
    signWebhook: (body, id) => {
      const at = new Date();
      return {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": demo.sign(id, at, body),
      };
    },
  };
}

/** `npm run build` (its pre-hooks prepare what `wrangler dev` needs too), then every .js of dist/ gzipped. */
function bundleSize() {
  rmSync("dist", { recursive: true, force: true });
  const r = spawnSync("npm", ["run", "build"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  let raw = 0;
  let gz = 0;
  for (const f of readdirSync("dist").filter((f) => f.endsWith(".js"))) {
    const b = readFileSync(join("dist", f));
    raw += b.length;
    gz += gzipSync(b).length;
  }
  return { raw, gz };
}

/**
 * The bench's wrangler config: wrangler.toml with every `[[ratelimits]]` limit raised, so a load
 * from one IP measures the Worker (the limiter is still called) instead of a wall of 429s.
 * Written next to wrangler.toml, so its relative paths hold; git-ignored and removed after the run.
 */
const BENCH_CONFIG = "wrangler.bench.toml";
function benchConfig(toml) {
  return `# Generated by bench/run.mjs from wrangler.toml (rate limits raised); do not edit.\n${toml.replace(
    /(simple\s*=\s*\{\s*limit\s*=\s*)\d+/g,
    "$11000000000",
  )}`;
}

/**
 * Starts `wrangler dev` (of `script`, default the registry) on a fresh copy of the seed in `runDir`;
 * resolves once `ready` answers 200.
 */
async function startWorker({ metrics, seedDir, script, runDir = RUN_DIR, ready = "/health", busy = [] }) {
  rmSync(runDir, { recursive: true, force: true });
  cpSync(seedDir, runDir, { recursive: true });
  const port = await freePort(busy);
  const inspector = await freePort([...busy, port]);
  const argv = [
    "wrangler",
    "dev",
    ...(script ? [script] : []),
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspector),
    "--config",
    BENCH_CONFIG,
    "--persist-to",
    runDir,
    "--var",
    `ADMIN_TOKEN:${ADMIN_TOKEN}`,
    ...throwawaySigningKeys(),
    "--var",
    `D1_METRICS:${metrics ? "on" : "off"}`,
    // The cron's reminders stay in the outbox: nothing leaves the machine.
    "--var",
    "EMAIL_TRANSPORT:local",
    "--show-interactive-dev-session=false",
  ];
  const started = performance.now();
  // Its own process group, so stopping it also stops workerd (and only what this script started).
  const child = spawn("npx", argv, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "true" },
  });
  const output = [];
  let readyMs;
  const collect = (d) => {
    output.push(d.toString());
    // wrangler's own "Ready on …": the server listens (the Worker may still be loading).
    if (readyMs === undefined && /Ready on http/.test(d.toString())) readyMs = performance.now() - started;
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output.join("")}`);
    if (performance.now() - started > 120_000) throw new Error(`wrangler dev did not answer:\n${output.join("")}`);
    try {
      if ((await fetch(`${base}${ready}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const startupMs = performance.now() - started;
  return {
    base,
    ports: [port, inspector],
    startupMs,
    readyMs,
    output,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return; // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

/**
 * Builds the i-th request of a scenario: path, headers, body. No cache-busting query for `cold`
 * scenarios: the API refuses unknown query parameters (422), and what they measure (the listing) is
 * not edge-cached, so every request of theirs reads D1 anyway.
 */
function requestOf(s, ctx, i) {
  const extra = s.request?.(ctx, i) ?? {};
  const path = extra.path ?? (typeof s.path === "function" ? s.path(ctx) : s.path);
  const headers = { ...extra.headers };
  if (s.auth === "admin") headers.authorization = `Bearer ${ctx.adminToken}`;
  return { method: s.method ?? "GET", path, headers, body: extra.body };
}

/** The Worker's `notifications enqueued` log lines written since `from` (an index in its output), summed. */
function enqueuedSince(output, from) {
  const lines = output.slice(from).join("").split("\n");
  const sums = { messages: 0, deliveries: 0 };
  for (const l of lines.filter((l) => l.includes('"msg":"notifications enqueued"'))) {
    const m = JSON.parse(l.slice(l.indexOf("{")));
    sums.messages += m.messages;
    sums.deliveries += m.deliveries;
  }
  return sums;
}

async function timeScenario(s, ctx, base, duration = DURATION) {
  await s.setup?.(ctx, base);
  if (s.scheduled) {
    const t0 = performance.now();
    const res = await fetch(
      `${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(s.scheduled.cron)}&time=${s.scheduled.time(ctx)}`,
    );
    await res.text();
    return { wallMs: performance.now() - t0, bad: res.status === 200 ? 0 : 1, status: res.status };
  }
  // Prime: the first answer fills the edge cache for warm rows, and checks the status.
  const first = requestOf(s, ctx, 0);
  const res = await fetch(base + first.path, first);
  const body = await res.text();
  const want = s.status ?? 200;
  if (res.status !== want) return { bad: 1, status: res.status, body: body.slice(0, 300) };
  // The floor Worker reports its rows read in every answer (no metering needed).
  const rowsRead = res.headers.get("x-d1-rows-read");
  let i = 1;
  const r = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration,
    // Spread autocannon's own request: without its defaults (host…), the Worker sees malformed requests.
    requests: [{ setupRequest: (req) => ({ ...req, ...requestOf(s, ctx, i++) }) }],
    expectBody: undefined,
  });
  const bad = r.errors + r.timeouts + (want === 200 ? r.non2xx : 0);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad,
    total: r.requests.total,
    rows: rowsRead === null ? undefined : Number(rowsRead),
  };
}

async function rowsOf(s, ctx, worker) {
  await s.setup?.(ctx, worker.base);
  if (s.scheduled) {
    const from = worker.output.length;
    const res = await fetch(
      `${worker.base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(s.scheduled.cron)}&time=${s.scheduled.time(ctx)}`,
    );
    await res.text();
    // The Worker logs one `d1-metrics` line per scheduled run (src/index.ts); wait for it.
    for (let t = 0; t < 100; t++) {
      // Only what this run logged: an earlier row may have run the same cron.
      const line = worker.output
        .slice(from)
        .join("")
        .split("\n")
        .find((l) => l.includes('"msg":"d1-metrics"') && l.includes(s.scheduled.cron));
      if (line) {
        const m = JSON.parse(line.slice(line.indexOf("{")));
        const q = s.setup ? enqueuedSince(worker.output, from) : null;
        const note = q ? `${q.messages} messages enqueued (${q.deliveries} deliveries)` : undefined;
        return { rows: m.rowsRead, queries: m.queries, note };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { rows: null };
  }
  // A few requests (distinct ones when cold); the bar applies to the worst. A warm row is primed
  // first, as in the timing phase, so its measure is the cache hit and not the first miss.
  if (!s.cold && !s.request) {
    const req = requestOf(s, ctx, 0);
    await (await fetch(worker.base + req.path, req)).text();
  }
  let rows = 0;
  let queries = 0;
  for (let i = 0; i < 3; i++) {
    const req = requestOf(s, ctx, 1_000_000 + i);
    const res = await fetch(worker.base + req.path, req);
    await res.text();
    rows = Math.max(rows, Number(res.headers.get("x-d1-rows-read") ?? Number.NaN));
    queries = Math.max(queries, Number(res.headers.get("x-d1-queries") ?? 0));
  }
  return { rows, queries };
}

const fmt = (n, d = 0) => (n === undefined || n === null || Number.isNaN(n) ? "—" : n.toFixed(d));
const bar = (v, ctx) => (typeof v === "function" ? v(ctx) : v);

async function main() {
  const t0 = Date.now();
  const info = seed({ count: COUNT, log });
  const signing = seedCredentials(info, log);
  const certificate = certificateCpu(QUICK ? 100 : 500, log);
  const ctx = context(info);
  Object.assign(ctx.sample, credentialSample(info));
  log(`bench: ${selected.length} scenarios, ${CONNECTIONS} connections × ${DURATION} s each`);

  log("bench: bundle (npm run build)");
  const bundle = bundleSize();

  writeFileSync(BENCH_CONFIG, benchConfig(readFileSync("wrangler.toml", "utf8")));
  process.on("exit", () => rmSync(BENCH_CONFIG, { force: true }));

  log("bench: timing phase (D1_METRICS off), the registry and the floor Worker side by side");
  const timing = new Map();
  /** The anchors' second measure (end of the timing phase), by scenario. */
  const atEnd = new Map();
  let startupMs;
  let readyMs;
  {
    const w = await startWorker({ metrics: false, seedDir: info.dir });
    startupMs = w.startupMs;
    readyMs = w.readyMs;
    let floor;
    try {
      floor = await startWorker({
        metrics: false,
        seedDir: info.dir,
        script: FLOOR_WORKER,
        runDir: `${RUN_DIR}-floor`,
        ready: "/",
        busy: w.ports,
      });
      const baseOf = (s) => (s.worker === "floor" ? floor.base : w.base);
      for (const s of selected) {
        log(`  ${s.name}`);
        if (!s.floor) {
          timing.set(s, await timeScenario(s, ctx, baseOf(s)));
          continue;
        }
        // Its floor just before and just after it (half the time each): on a shared machine the load
        // drifts within a run, and this ratio must compare like with like.
        const f = selected.find((x) => x.id === s.floor);
        const before = await timeScenario(f, ctx, floor.base, DURATION / 2);
        const t = await timeScenario(s, ctx, baseOf(s));
        const after = await timeScenario(f, ctx, floor.base, DURATION / 2);
        timing.set(s, { ...t, floorRps: (before.rps + after.rps) / 2 });
      }
      // The anchors again at the end: the drift between both measures shows how noisy the run was.
      for (const s of selected.filter((s) => s.anchor)) {
        log(`  ${s.name} (end of run)`);
        atEnd.set(s, await timeScenario(s, ctx, baseOf(s)));
      }
    } finally {
      await floor?.stop();
      await w.stop();
    }
  }

  log("bench: rows phase (D1_METRICS on)");
  const rows = new Map();
  {
    const w = await startWorker({ metrics: true, seedDir: info.dir });
    try {
      for (const s of selected)
        rows.set(s, s.worker === "floor" ? { rows: timing.get(s).rows } : await rowsOf(s, ctx, w));
    } finally {
      await w.stop();
    }
  }

  /** An anchor's req/s: the mean of its two measures. */
  const anchorRps = (s) => (timing.get(s).rps + atEnd.get(s).rps) / 2;
  const baseline = selected.find((s) => s.baseline);
  const healthRps = anchorRps(baseline);
  const floorRps = Object.fromEntries(selected.filter((s) => s.id).map((s) => [s.id, anchorRps(s)]));
  const failures = [];
  const lines = [
    "| scenario | req/s | p50 ms | p99 ms | × /health | × floor | target × | D1 rows read | max rows | |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const s of selected) {
    const t = timing.get(s);
    const r = rows.get(s);
    const maxRows = bar(s.maxRowsRead, ctx);
    const ratio = t.rps ? t.rps / healthRps : undefined;
    const toFloor = s.floor && t.rps ? t.rps / t.floorRps : undefined;
    const problems = [];
    if (t.bad) problems.push(`${t.bad} bad answers${t.status ? ` (HTTP ${t.status})` : ""}`);
    if (maxRows !== undefined && !(r.rows <= maxRows)) problems.push(`rows ${r.rows} > ${maxRows}`);
    if (s.scheduled?.maxSeconds && t.wallMs > s.scheduled.maxSeconds * 1000)
      problems.push(`slow (timing, not asserted)`);
    if (s.targetRatio && (s.floor ? toFloor : ratio) < s.targetRatio)
      problems.push("below target ratio (timing, not asserted)");
    failures.push(...problems.filter((p) => !p.includes("not asserted")).map((p) => `${s.name}: ${p}`));
    const target = s.targetRatio ? `≥ ${s.targetRatio}${s.floor ? ` ${s.floor}` : ""}` : "";
    const timingCols = s.scheduled
      ? [`wall ${fmt(t.wallMs)} ms`, "", "", "", "", s.scheduled.maxSeconds ? `≤ ${s.scheduled.maxSeconds} s` : ""]
      : [fmt(t.rps), fmt(t.p50), fmt(t.p99), fmt(ratio, 2), s.floor ? `${fmt(toFloor, 2)} ${s.floor}` : "", target];
    lines.push(
      `| ${s.name}${s.cold ? " (miss)" : ""} | ${timingCols.join(" | ")} | ${fmt(r.rows)} | ${maxRows ?? ""} | ${problems.length ? `✗ ${problems.join("; ")}` : "✓"}${r.note ? ` ${r.note}` : ""} |`,
    );
  }
  for (const [s, e] of atEnd) {
    const own = s.id ? floorRps[s.id] : healthRps;
    lines.push(
      `| ${s.name} — end of run (drift: ${fmt(e.rps / own, 2)} × the mean) | ${fmt(e.rps)} | ${fmt(e.p50)} | ${fmt(e.p99)} | ${fmt(e.rps / healthRps, 2)} | | | | | |`,
    );
  }
  if (!(certificate.certificateMs <= CERTIFICATE_CPU_MS)) {
    failures.push(`certificate ${certificate.certificateMs} ms of CPU a document > ${CERTIFICATE_CPU_MS} ms`);
  }
  const gzOk = bundle.gz <= BUNDLE_LIMIT;
  if (!gzOk) failures.push(`bundle ${bundle.gz} B gzipped > 1 MiB`);
  const summary = [
    `Bundle: ${fmt(bundle.raw / 1024)} KiB, **${fmt(bundle.gz / 1024)} KiB gzipped** (bar ≤ 1024 KiB) ${gzOk ? "✓" : "✗"} — \`npm run build\` (\`wrangler deploy --dry-run --outdir dist\`), every .js gzipped.`,
    `Worker start-up: **${fmt(startupMs)} ms** from spawning \`wrangler dev\` to the first /health answer ` +
      `(wrangler printed "Ready on" after ${fmt(readyMs)} ms); both include wrangler's build and workerd's boot, ` +
      "not Cloudflare's isolate start-up.",
    signingSummary(signing),
    certificateSummary(certificate),
    `× /health divides by the mean req/s of the run's two measures of /health (${fmt(healthRps)}). × floor divides ` +
      "by the floor named (bench/floor-worker.mjs, a bare Worker with the same bindings), measured for half the " +
      `time just before and half just after the row (the floors over the whole run: cache ${fmt(floorRps.cache)}, ` +
      `d1 ${fmt(floorRps.d1)} req/s). Rows read: worst of 3 requests with D1_METRICS on (floor rows: the bare ` +
      "Worker's own count).",
  ];
  const table = [...lines, "", ...summary].join("\n");
  console.log(`\n${table}\n`);
  console.log(failures.length ? `FAILED bars:\n- ${failures.join("\n- ")}` : "All non-timing bars pass.");

  if (!QUICK && !args.only) {
    const cpus = os.cpus();
    const wrangler = spawnSync("npx", ["wrangler", "--version"], { encoding: "utf8" }).stdout.trim().split("\n").pop();
    const doc = `# Benchmark results

Regenerate with \`npm run bench\` (this file is overwritten). Timings are from one local run on a
shared machine: compare ratios (to /health, to the floor), not absolute numbers.

- Date: ${new Date().toISOString()} (run took ${fmt((Date.now() - t0) / 1000)} s)
- Command: \`${["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" ")}\`
- Seed: ${info.reused ? `reused (seeded ${info.seededAt}): ` : ""}migrations ${info.migrateSeconds} s + rows ${info.writeSeconds} s (\`bench/seed.mjs\`, ${info.dir})
- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} at the end
- Node ${process.version}, wrangler ${wrangler}, autocannon ${CONNECTIONS} connections × ${DURATION} s per row
- Data: ${info.structures} structures, ${info.labels} labels (${Object.entries(info.byStatus)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}), ${info.events} label events; ${info.due} labels due on ${info.day}

${table}

${failures.length ? `Failed bars:\n- ${failures.join("\n- ")}` : "All non-timing bars pass."}
`;
    writeFileSync("bench/RESULTS.md", doc);
    log("bench: wrote bench/RESULTS.md");
  }
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
