#!/usr/bin/env node
// `npm run load`: a load run against the real Worker under `wrangler dev` (workerd + a local D1 on
// disk, in a temporary directory). 10,000 mixed requests at concurrency 64: public JSON, badges,
// verification pages and listing; admin reads; signed webhook deliveries (audits and surveys),
// with deliberate duplicates of the same webhook-id, some sent at the same time as their original.
// Then, with the Worker stopped, counts in D1 that every accepted webhook id is stored exactly once
// and every accepted audit/survey reference exactly once. Exit 1 on any 5xx, network error,
// unexpected status or count mismatch. Env: LOAD_REQUESTS (10000), LOAD_CONCURRENCY (64).
//
// In the middle of the run, D1 fails for LOAD_OUTAGE_SECONDS (30; 0 for none) through the dev-only
// POST /dev/faults/d1 (DEV_FAULTS=on, loopback only). Meanwhile: public reads of a label (JSON, badge, page,
// shields) must answer 200 with the state the label is in — no 5xx, every badge an SVG — from the last known
// answers; writes answer 503 with Retry-After, and every delivery refused so is sent again once D1 is back,
// then must be applied once (the counts below). The listing is not kept as a last known answer: its 503s
// during the outage are counted apart.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { DEMO_CODES, seedDemo } from "./demo.mjs";
import { throwawaySigningKeys } from "./local.mjs";

const TOTAL = Number(process.env.LOAD_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 64);
/** Bodies to spread deliveries over: WEBHOOK_LIMITER allows 600 a minute per body. */
const BODIES = 12;
const OUTAGE_SECONDS = Number(process.env.LOAD_OUTAGE_SECONDS ?? 30);
const ADMIN = `load-${randomBytes(16).toString("hex")}`;
const persist = mkdtempSync(join(tmpdir(), "spp-load-"));

const wrangler = (args, opts = {}) => {
  const r = spawnSync("npx", ["wrangler", ...args, "--local", "--persist-to", persist], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    ...opts,
  });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const query = (sql) => {
  const out = wrangler(["d1", "execute", "DB", "--json", "--command", sql]);
  return JSON.parse(out.slice(out.indexOf("[")))[0].results;
};

async function freePort() {
  for (let port = 8700; port <= 8799; port++) {
    const ok = await new Promise((resolve) => {
      const s = createServer().once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error("no free port in 8700–8799");
}

async function startWorker(port) {
  const dev = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      persist,
      "--var",
      `ADMIN_TOKEN:${ADMIN}`,
      ...throwawaySigningKeys(),
      "--var",
      "EMAIL_TRANSPORT:local",
      // The dev-only outage switch (refused unless PUBLIC_BASE_URL is on loopback, as it is here).
      "--var",
      "DEV_FAULTS:on",
      "--var",
      `PUBLIC_BASE_URL:http://127.0.0.1:${port}`,
      "--log-level",
      "error",
      "--show-interactive-dev-session=false",
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  dev.stdout.on("data", (d) => (log += d));
  dev.stderr.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { dev, base, log: () => log };
    } catch {}
    if (dev.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not start:\n${log}`);
}

const stop = (dev) =>
  new Promise((resolve) => {
    if (dev.exitCode !== null) return resolve();
    dev.once("exit", resolve);
    process.kill(-dev.pid, "SIGTERM");
  });

async function api(base, method, path, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Bodies, each with a structure assigned to it. */
async function fixtures(base) {
  const bodies = [];
  for (let i = 0; i < BODIES; i++) {
    const oc = await api(base, "POST", "/v1/certifiers", {
      name: `Organisme de charge ${i}`,
      contactEmail: `oc${i}@load.example`,
      habilitation: { from: "2024-01-01", until: "2030-12-31" },
    });
    const code = `LOAD-${i}`;
    await api(base, "POST", "/v1/structures", {
      code,
      name: `Structure de charge ${i}`,
      network: "Charge",
      category: "service_deconcentre_etat",
      postcode: "13001",
      city: "Marseille",
      department: "13",
      contacts: [{ email: `s${i}@load.example` }],
    });
    await api(base, "PUT", `/v1/structures/${code}/certifier`, { certifierId: oc.id, contractRef: `M-${i}` });
    bodies.push({ id: oc.id, secret: oc.webhookSecret, code });
  }
  return bodies;
}

const pick = (a) => a[Math.floor(Math.random() * a.length)];

/** The request mix: each item sends one request and says whether its status was expected. */
function plan(bodies, lists) {
  const codes = [...DEMO_CODES, ...bodies.map((b) => b.code)];
  const sent = []; // deliveries already planned, to duplicate
  let seq = 0;
  const delivery = (b) => {
    const n = ++seq;
    const ref = `LOAD-${n}`;
    const survey = n % 3 === 0;
    const data = survey
      ? {
          structureCode: b.code,
          surveyRef: ref,
          periodStart: "2026-01-01",
          periodEnd: "2026-02-28",
          invited: 1000,
          respondents: 300,
          satisfactionRate: 81,
        }
      : {
          structureCode: b.code,
          auditRef: ref,
          kind: "initial",
          auditedOn: "2026-03-12",
          engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 70 + number })),
        };
    const body = JSON.stringify({
      type: survey ? "survey.users.completed" : "audit.completed",
      timestamp: new Date().toISOString(),
      data,
    });
    return { body: b, id: `load_${n}`, raw: body, ref, survey };
  };
  const items = [];
  for (let i = 0; i < TOTAL; i++) {
    const r = Math.random();
    if (r < 0.45) {
      const code = pick(codes);
      const path = pick([
        `/v1/public/labels/${code}`,
        `/badge/${code}.svg`,
        `/verify/${code}`,
        `/v1/public/labels/${code}/shields.json`,
        `/v1/public/labels/${code}/history`,
        // What a wallet fetches to check a demo credential's state (the demo labels' list: their year's).
        `/status/${pick(["message", "revocation", "suspension"])}/${pick(lists)}`,
      ]);
      items.push({ kind: "public", method: "GET", path, ok: [200], ip: `198.51.100.${1 + (i % 200)}` });
    } else if (r < 0.47) {
      // The listing is not cached: every call counts against PUBLIC_LIMITER (300/min per IP).
      items.push({
        kind: "listing",
        method: "GET",
        path: pick(["/v1/public/labels", "/v1/public/labels?format=csv"]),
        ok: [200],
        ip: "203.0.113.7", // one open-data client
      });
    } else if (r < 0.6) {
      const path = pick([
        "/v1/structures?limit=20",
        `/v1/structures/${pick(codes)}`,
        "/v1/certifiers",
        "/v1/webhook-events?limit=20",
        `/v1/structures/${pick(bodies).code}/evaluation`,
        "/v1/outbox?limit=5",
      ]);
      items.push({ kind: "admin", method: "GET", path, ok: [200], admin: true });
    } else if (r < 0.9 || sent.length === 0) {
      const d = delivery(pick(bodies));
      sent.push(d);
      items.push({ kind: "webhook", delivery: d, ok: [200] });
      // One in twenty is sent twice at once (the copy right behind it in the queue).
      if (Math.random() < 0.05) items.push({ kind: "duplicate", delivery: d, ok: [200] });
    } else {
      items.push({ kind: "duplicate", delivery: pick(sent), ok: [200] });
    }
  }
  return items.slice(0, TOTAL);
}

async function send(base, item) {
  if (item.delivery) {
    const d = item.delivery;
    const at = new Date();
    return fetch(`${base}/v1/webhooks/certifiers/${d.body.id}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "webhook-id": d.id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(d.body.secret).sign(d.id, at, d.raw),
      },
      body: d.raw,
    });
  }
  // Public reads come from many citizens, as in production (PUBLIC_LIMITER counts misses per client IP):
  // during an outage stale answers are kept 10 s only, so one address asking for every label would be
  // throttled by its own misses.
  const headers = item.admin ? { Authorization: `Bearer ${ADMIN}` } : { "CF-Connecting-IP": item.ip };
  return fetch(`${base}${item.path}`, { headers });
}

/** Makes the Worker's D1 fail for OUTAGE_SECONDS (dev only: DEV_FAULTS=on). */
async function startOutage(base, codes) {
  const r = await fetch(`${base}/dev/faults/d1?seconds=${OUTAGE_SECONDS}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
    // The edge cache dropped first: the outage's public reads are answered by the last known answers.
    body: JSON.stringify({ coldCache: codes }),
  });
  if (!r.ok) throw new Error(`POST /dev/faults/d1: ${r.status} ${await r.text()}`);
}

/**
 * What a public answer must be, outage or not: the state of its label (JSON `status`, the badge's
 * `X-Label-Status`), every badge an SVG, a stale page dated. Null when right.
 */
function checkAnswer(item, res, body, stateOf) {
  if (item.kind !== "public") return null;
  const code = decodeURIComponent(item.path.match(/^\/(?:v1\/public\/labels|badge|verify)\/([^/.]+)/)?.[1] ?? "");
  const want = stateOf.get(code);
  if (item.path.startsWith("/badge/")) {
    if (!(res.headers.get("Content-Type") ?? "").startsWith("image/svg+xml") || !body.includes("<svg"))
      return `not an SVG (${res.status})`;
    const drawn = res.headers.get("X-Label-Status");
    return drawn === want ? null : `badge says ${drawn}, the label is ${want}`;
  }
  if (res.status !== 200) return null; // counted as a 5xx or an unexpected status
  if (item.path.endsWith("/shields.json")) return null;
  if (item.path.startsWith("/status/")) {
    // The signed list as last signed: a stale one is dated (its bits are checked by test/faults.test.ts).
    const stale = res.headers.get("X-Cache") === "STALE";
    return stale && !res.headers.get("X-Facts-At") ? "stale status list not dated" : null;
  }
  if (item.path.endsWith("/history")) {
    const json = JSON.parse(body);
    // The last event's status is the stored one: a label past its last day before the daily job lapses it
    // still says valid (or suspended) there, and `expired` in the public answers.
    const last = json.items[0]?.status ?? "none";
    const agrees = last === want || (want === "expired" && ["valid", "suspended"].includes(last));
    return agrees ? null : `history says ${last}, the label is ${want}`;
  }
  if (item.path.startsWith("/verify/")) {
    const stale = res.headers.get("X-Cache") === "STALE";
    return stale && !body.includes("le registre est momentanément injoignable") ? "stale page not dated" : null;
  }
  const json = JSON.parse(body);
  return json.status === want ? null : `JSON says ${json.status}, the label is ${want}`;
}

async function main() {
  // The DSFR assets wrangler.toml's [assets] serves (not committed).
  if (spawnSync("node", ["scripts/copy-assets.mjs"], { stdio: "inherit" }).status !== 0)
    throw new Error("copy-assets failed");
  const port = await freePort();
  wrangler(["d1", "migrations", "apply", "DB"]);
  wrangler(["d1", "execute", "DB", "--file", "scripts/demo-data.sql"]);
  const { dev, base, log } = await startWorker(port);
  const stats = {
    status: {},
    webhook200: 0,
    fivexx: 0,
    network: 0,
    unexpected: [],
    latencies: [],
    outage: { requests: 0, stale: 0, refused: {}, retried: 0 },
  };
  const accepted = new Map(); // webhook id → delivery
  let failed = false;
  let seconds = 0;
  try {
    // The demo structures of `npm run dev`, in every public state, for the public requests.
    const demo = await seedDemo(base, ADMIN);
    if (demo.some((r) => r.state === "error")) throw new Error(`demo data: ${JSON.stringify(demo)}`);
    const bodies = await fixtures(base);
    // The state each public answer must tell, outage or not: the demo's, and « none » for this run's structures.
    const stateOf = new Map([...demo.map((r) => [r.code, r.state]), ...bodies.map((b) => [b.code, "none"])]);
    // The status lists of the demo labels: one per year of their numbers (SPP-2026-…: list 2026).
    const lists = [...new Set(demo.flatMap((r) => (r.labelNumber ? [r.labelNumber.split("-")[1]] : [])))];
    const items = plan(bodies, lists);
    let next = 0;
    let outage = null; // { from, until } in performance.now() ms
    const inOutage = (t) => outage !== null && t >= outage.from && t <= outage.until;
    const retry = []; // deliveries refused with 503 during the outage: their sender sends them again
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (next < items.length) {
          if (worker === 0 && outage === null && OUTAGE_SECONDS > 0 && next >= items.length / 3) {
            await startOutage(base, [...stateOf.keys()]);
            outage = { from: performance.now(), until: performance.now() + OUTAGE_SECONDS * 1000 };
            // Paced so that half of the remaining requests spread over the outage, the rest after it.
            outage.paceMs = (CONCURRENCY * OUTAGE_SECONDS * 1000) / Math.max(1, (items.length - next) / 2);
          }
          if (outage && performance.now() < outage.until) await new Promise((r) => setTimeout(r, outage.paceMs));
          const item = items[next++];
          const t = performance.now();
          const during = inOutage(t);
          try {
            const res = await send(base, item);
            const body = await res.text();
            stats.latencies.push(performance.now() - t);
            stats.status[res.status] = (stats.status[res.status] ?? 0) + 1;
            const ended = inOutage(performance.now()) || during;
            if (ended) stats.outage.requests++;
            const problem = checkAnswer(item, res, body, stateOf);
            if (problem) stats.unexpected.push(`${item.kind} ${item.path} ${ended ? "(outage) " : ""}→ ${problem}`);
            if (ended && res.status === 503) {
              stats.outage.refused[item.kind] = (stats.outage.refused[item.kind] ?? 0) + 1;
              if (!res.headers.get("Retry-After")) stats.unexpected.push(`${item.kind} 503 without Retry-After`);
              if (item.delivery) retry.push(item.delivery);
            } else {
              if (res.status >= 500) stats.fivexx++;
              if (!item.ok.includes(res.status))
                stats.unexpected.push(`${item.kind} ${item.path ?? item.delivery.id} → ${res.status}`);
            }
            if (ended && item.kind === "public" && res.headers.get("X-Cache") === "STALE") stats.outage.stale++;
            if (item.delivery && res.status === 200) {
              accepted.set(item.delivery.id, item.delivery);
              stats.webhook200++;
            }
          } catch (err) {
            stats.network++;
            stats.unexpected.push(`${item.kind}: ${err}`);
          }
        }
      }),
    );
    // D1 back: every delivery refused during the outage is sent again (as a Standard Webhooks sender retries).
    if (outage) {
      const wait = outage.until - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait + 500));
      for (const d of retry) {
        const res = await send(base, { delivery: d });
        await res.arrayBuffer();
        stats.status[res.status] = (stats.status[res.status] ?? 0) + 1;
        if (res.status !== 200) stats.unexpected.push(`retried delivery ${d.id} → ${res.status}`);
        else {
          accepted.set(d.id, d);
          stats.webhook200++;
        }
      }
      stats.outage.retried = retry.length;
      // The effects a failing D1 left pending: the minute cron carries them out (wrangler dev runs no cron).
      const cron = await fetch(`${base}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`);
      if (!cron.ok) stats.unexpected.push(`cron after the outage → ${cron.status}`);
      const ready = await fetch(`${base}/health/ready`, { headers: { Authorization: `Bearer ${ADMIN}` } });
      stats.outage.ready = ready.status;
      stats.outage.backlog = (await ready.json()).backlog;
    }
    seconds = (performance.now() - started) / 1000;
  } finally {
    await stop(dev);
  }
  if (stats.fivexx) console.error(log().slice(-3000));

  // Counted in D1 with the Worker stopped.
  const ids = [...accepted.keys()];
  const [inbox] = query(
    "SELECT count(*) AS n, count(DISTINCT certifier_id || ' ' || webhook_id) AS distinctIds, " +
      "sum(deliveries) AS deliveries FROM webhook_events WHERE webhook_id LIKE 'load_%'",
  );
  const [{ audits }] = query("SELECT count(*) AS audits FROM audits WHERE audit_ref LIKE 'LOAD-%'");
  const [{ surveys }] = query("SELECT count(*) AS surveys FROM surveys WHERE survey_ref LIKE 'LOAD-%'");
  const auditRefs = new Set([...accepted.values()].filter((d) => !d.survey).map((d) => d.ref)).size;
  const surveyRefs = new Set([...accepted.values()].filter((d) => d.survey).map((d) => d.ref)).size;
  rmSync(persist, { recursive: true, force: true });

  const lat = stats.latencies.sort((a, b) => a - b);
  const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(0) : "-");
  const checks = [
    [stats.fivexx === 0, `${stats.fivexx} 5xx`],
    [stats.network === 0, `${stats.network} network errors`],
    [stats.unexpected.length === 0, `${stats.unexpected.length} unexpected statuses`],
    [
      inbox.n === ids.length && inbox.distinctIds === ids.length,
      `inbox ${inbox.n} rows for ${ids.length} accepted ids`,
    ],
    [
      inbox.deliveries === stats.webhook200,
      `${inbox.deliveries} copies counted for ${stats.webhook200} accepted deliveries`,
    ],
    [audits === auditRefs, `audits ${audits} = ${auditRefs} refs`],
    [surveys === surveyRefs, `surveys ${surveys} = ${surveyRefs} refs`],
    ...(OUTAGE_SECONDS > 0
      ? [
          [
            stats.outage.requests > 0 && stats.outage.stale > 0 && !stats.outage.refused.public,
            `outage ${OUTAGE_SECONDS} s: ${stats.outage.requests} requests, ${stats.outage.stale} stale public answers, ` +
              `503 (Retry-After) ${JSON.stringify(stats.outage.refused)}, ${stats.outage.retried} deliveries sent again`,
          ],
          [
            stats.outage.ready === 200 && stats.outage.backlog?.pendingEffects === 0,
            `after the outage: ready ${stats.outage.ready}, ${stats.outage.backlog?.pendingEffects} effects pending`,
          ],
        ]
      : []),
  ];
  failed = checks.some(([ok]) => !ok);
  for (const u of stats.unexpected.slice(0, 10)) console.error(`  unexpected: ${u}`);
  console.log(
    `load: ${lat.length + stats.network} requests in ${seconds.toFixed(1)} s (${(TOTAL / seconds).toFixed(0)} req/s) at concurrency ${CONCURRENCY}; ` +
      `statuses ${JSON.stringify(stats.status)}; p50 ${pct(50)} ms, p99 ${pct(99)} ms; ` +
      `${checks.map(([, m]) => m).join(", ")} → ${failed ? "FAILED" : "OK"}`,
  );
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  rmSync(persist, { recursive: true, force: true });
  process.exit(1);
});
