#!/usr/bin/env node
// Browser test (`npm run test:browser`, run by .ci/run): headless Debian Chromium driven by
// playwright-core loads a page embedding the badge in every state and the verification page,
// against the real Worker under `wrangler dev` with a fresh local D1. Screenshots go to
// test-results/; `--docs` also refreshes docs/badges.png (the picture in docs/integrators.md).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { backfillFile, searchIndexFile } from "../../scripts/backfill-file.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = "/usr/bin/chromium";
const out = join(root, "test-results");
mkdirSync(out, { recursive: true });

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
}

// 1. Chromium from Debian, installed when missing (CI machines are root and have apt).
if (!existsSync(CHROMIUM)) {
  console.log("chromium missing: apt-get install -y chromium");
  sh("sh", ["-c", "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"]);
}

// 2. DSFR assets, a free port, a fresh local D1 with labels in every state.
sh("node", ["scripts/copy-assets.mjs"]);
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const base = `http://127.0.0.1:${port}`;
const persist = mkdtempSync(join(tmpdir(), "spp-browser-d1-"));
const wrangler = ["npx", "wrangler"];
const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };
sh(wrangler[0], [...wrangler.slice(1), "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { env });

const day = (offset) => {
  const t = new Date();
  t.setUTCDate(t.getUTCDate() + offset);
  return t.toISOString().slice(0, 10);
};
// [code, tier, stored status, expiresOn, expected public state, expected badge text]
const STATES = [
  ["BR-OR", "or", "valid", "2029-03-30", "valid", "Or · valide jusqu'au 30/03/2029"],
  ["BR-ARGENT", "argent", "valid", "2029-03-30", "valid", "Argent · valide jusqu'au 30/03/2029"],
  ["BR-BRONZE", "bronze", "valid", "2029-03-30", "valid", "Bronze · valide jusqu'au 30/03/2029"],
  ["BR-SUSPENDU", "or", "suspended", "2029-03-30", "suspended", "Or · suspendu"],
  ["BR-RETIRE", "argent", "withdrawn", "2029-03-30", "withdrawn", "Argent · retiré"],
  ["BR-EXPIRE", "bronze", "expired", day(-30), "expired", "Bronze · expiré"],
  ["BR-PERIME", "or", "valid", day(-2), "expired", "Or · expiré"],
  ["BR-SANS", null, null, null, "none", "non labellisé"],
  ["BR-INCONNU", null, null, null, "unknown", "inconnu"],
];
const q = (v) => (v === null ? "NULL" : `'${String(v).replace(/'/g, "''")}'`);
let sql = `INSERT INTO certifiers (id, name, contact_email, habilitation_from, habilitation_until)
VALUES ('oc_browser', 'Organisme de certification (test navigateur)', 'oc@browser.example', '2024-01-01', '2030-12-31');\n`;
STATES.forEach(([code, tier, status, expiresOn, state], i) => {
  if (state === "unknown") return;
  sql += `INSERT INTO structures (code, name, network, category, postcode, city, department, contacts, search_text, certifier_id, contract_ref)
VALUES (${q(code)}, ${q(`Structure de démonstration ${code}`)}, 'Démo', 'service_deconcentre_etat', '13001', 'Marseille', '13',
'[{"email":"prive@browser.example"}]', ${q(code.toLowerCase())}, 'oc_browser', 'MARCHE-BROWSER');\n`;
  if (!tier) return;
  const number = `SPP-2026-${String(900001 + i).slice(-6)}`;
  sql += `INSERT INTO labels (number, structure_code, certifier_id, tier, status, awarded_on, expires_on, original_awarded_on)
VALUES ('${number}', ${q(code)}, 'oc_browser', '${tier}', '${status}', '2026-03-31', ${q(expiresOn)}, '2026-03-31');
INSERT INTO label_events (id, label_number, type, to_status, actor, effective_on)
VALUES ('evt_${number}_a', '${number}', 'awarded', 'valid', 'certifier:oc_browser', '2026-03-31');\n`;
  if (status !== "valid") {
    sql += `INSERT INTO label_events (id, label_number, type, from_status, to_status, actor, reason, effective_on)
VALUES ('evt_${number}_s', '${number}', '${status}', 'valid', '${status}', 'admin:token', 'motif privé', '2026-10-01');\n`;
  }
});
// The public read model and the search index, as their migrations fill them.
sql += `${readFileSync(backfillFile(root), "utf8")}\n${readFileSync(searchIndexFile(root), "utf8")}`;
const sqlFile = join(persist, "fixtures.sql");
writeFileSync(sqlFile, sql);
sh(wrangler[0], [...wrangler.slice(1), "d1", "execute", "DB", "--local", "--persist-to", persist, "--file", sqlFile], {
  env,
});

// 3. The Worker, as `npm run dev` runs it, on the free port.
const dev = spawn(
  wrangler[0],
  [
    ...wrangler.slice(1),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persist,
    "--var",
    "ADMIN_TOKEN:browser-test-admin-token-0123456789",
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
    process.kill(-dev.pid, "SIGTERM");
  } catch {}
};
process.on("exit", stopDev);

let browser;
try {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${devLog}`);
    await new Promise((r) => setTimeout(r, 500));
  }

  // 4. Chromium, headless, with a fresh profile.
  const profile = mkdtempSync(join(tmpdir(), "spp-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 900, height: 700 },
    deviceScaleFactor: 2,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());

  // 5. A third-party page embedding the badge in every state, as the snippet says.
  const rows = STATES.map(
    ([code, , , , state]) =>
      `<tr><th scope="row">${state}</th><td><a href="${base}/verify/${code}"><img id="b-${code}" src="${base}/badge/${code}.svg" alt="Label Services Publics + : voir le statut (${code})" height="20"></a></td></tr>`,
  ).join("\n");
  await page.setContent(
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Badges</title>
<style>body{font-family:sans-serif;margin:16px;background:#fff}th{text-align:left;padding:4px 12px 4px 0;font-weight:normal;color:#555}</style>
</head><body><table id="badges">${rows}</table></body></html>`,
    { waitUntil: "load" },
  );
  for (const [code, , , , state, text] of STATES) {
    const img = await page.$eval(`#b-${code}`, (el) => ({
      complete: el.complete,
      w: el.naturalWidth,
      h: el.naturalHeight,
      shown: el.getBoundingClientRect().width,
      alt: el.alt,
    }));
    check(
      img.complete && img.w > 60 && img.h === 20 && img.shown > 60,
      `badge ${code} (${state}) renders ${img.w}×${img.h}`,
    );
    check(img.alt.startsWith("Label Services Publics +"), `badge ${code} has alt text`);
    const res = await page.request.get(`${base}/badge/${code}.svg`);
    const svg = await res.text();
    const aria = svg.match(/^<svg[^>]* aria-label="([^"]*)"/)?.[1] ?? "";
    check(
      /role="img"/.test(svg) && aria.startsWith("Label Services Publics +"),
      `badge ${code} role=img, aria-label « ${aria} »`,
    );
    check(svg.includes(`>${text.replace(/'/g, "&apos;")}</text>`), `badge ${code} says « ${text} »`);
    check(res.headers()["x-label-status"] === state, `badge ${code} status ${state}`);
  }
  const table = await page.$("#badges");
  await table.screenshot({ path: join(out, "badges.png") });
  if (process.argv.includes("--docs")) await table.screenshot({ path: join(root, "docs/badges.png") });

  // 6. The verification page: DSFR styles and fonts load under the CSP, no script, no violation.
  const violations = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const failed = [];
  page.on("requestfailed", (r) => failed.push(r.url()));
  for (const code of ["BR-SUSPENDU", "BR-OR"]) {
    const resp = await page.goto(`${base}/verify/${code}`, { waitUntil: "networkidle" });
    check(resp.status() === 200, `verify ${code} answers 200`);
    const info = await page.evaluate(async () => {
      await document.fonts.ready;
      const badge = document.querySelector("#statut");
      return {
        h1: document.querySelector("h1")?.textContent,
        status: badge?.textContent,
        transform: getComputedStyle(badge).textTransform,
        font: getComputedStyle(document.body).fontFamily,
        marianne: document.fonts.check("16px Marianne"),
        scripts: document.scripts.length,
        sheets: document.styleSheets.length,
        snippet: document.querySelector("#code-integration")?.textContent ?? "",
        badgeImg: document.querySelector("main img")?.naturalWidth ?? 0,
      };
    });
    check(info.h1 === `Structure de démonstration ${code}`, `verify ${code} title « ${info.h1} »`);
    check(info.sheets === 1 && info.transform === "uppercase", `verify ${code} DSFR stylesheet applied`);
    check(/Marianne/.test(info.font) && info.marianne, `verify ${code} Marianne font loaded`);
    check(info.scripts === 0, `verify ${code} has no script`);
    check(info.snippet.includes(`${base}/badge/${code}.svg`), `verify ${code} shows the embed snippet`);
    check(info.badgeImg > 60, `verify ${code} shows its badge`);
    await page.screenshot({ path: join(out, `verify-${code}.png`), fullPage: true });
  }
  check(violations.length === 0, `no CSP violation ${violations.join(" | ")}`);
  check(failed.length === 0, `no failed request ${failed.join(" ")}`);
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.error(e);
} finally {
  await browser?.close().catch(() => {});
  stopDev();
  rmSync(persist, { recursive: true, force: true });
}

console.log(`browser: ${failures.length === 0 ? "passed" : `${failures.length} failed`}; screenshots in test-results/`);
process.exit(failures.length === 0 ? 0 : 1);
