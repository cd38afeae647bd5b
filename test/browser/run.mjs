#!/usr/bin/env node
// Browser test (`npm run test:browser`, run by .ci/run): headless Debian Chromium driven by
// playwright-core, against the real Worker under `wrangler dev` with a fresh local D1 holding the
// demo data of `npm run dev` (scripts/demo.mjs) and badge fixtures:
// - a third-party page embedding the badge in every state;
// - the citizen's path: home → search a town → result → verification page, for every public state;
// - a problem page;
// - the printable certificate: downloaded from the verification page, its text and QR code read back
//   (test/browser/certificate.mjs);
// - axe-core (no violation) and html-validate (no error) on every public page; /docs offline, with no
//   console error and no hosted-service button; wrangler's scheduled calls answer 200;
// - the back-office: an admin's work and a body's portal, by clicking (test/browser/backoffice.mjs).
// Screenshots go to test-results/; `--docs` also refreshes docs/badges.png, docs/home.png and
// docs/back-office.png.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HtmlValidate } from "html-validate";
import { chromium } from "playwright-core";
import { monitor } from "../../examples/monitor.mjs";
import { backfillFiles, searchIndexFile } from "../../scripts/backfill-file.mjs";
import { seedDemo } from "../../scripts/demo.mjs";
import { throwawaySigningKeys } from "../../scripts/local.mjs";
import { backofficeWalk } from "./backoffice.mjs";
import { certificateWalk } from "./certificate.mjs";
import { resultsWalk } from "./results.mjs";

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

// 2. DSFR assets, a free port, a fresh local D1: the demo body, and badge fixtures in every state.
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
  ["BR-RETIRE", "argent", "withdrawn", "2029-03-30", "withdrawn", "retiré"],
  ["BR-EXPIRE", "bronze", "expired", day(-30), "expired", "expiré"],
  ["BR-PERIME", "or", "valid", day(-2), "expired", "expiré"],
  ["BR-SANS", null, null, null, "none", "non labellisé"],
  ["BR-INCONNU", null, null, null, "unknown", "inconnu"],
];
const q = (v) => (v === null ? "NULL" : `'${String(v).replace(/'/g, "''")}'`);
let sql = `${readFileSync(join(root, "scripts/demo-data.sql"), "utf8")}
INSERT INTO certifiers (id, name, contact_email, habilitation_from, habilitation_until)
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
sql += [...backfillFiles(root), searchIndexFile(root)].map((f) => readFileSync(f, "utf8")).join("\n");
const sqlFile = join(persist, "fixtures.sql");
writeFileSync(sqlFile, sql);
sh(wrangler[0], [...wrangler.slice(1), "d1", "execute", "DB", "--local", "--persist-to", persist, "--file", sqlFile], {
  env,
});

// 3. The Worker, as `npm run dev` runs it, on the free port.
const ADMIN_TOKEN = "browser-test-admin-token-0123456789";
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
    `ADMIN_TOKEN:${ADMIN_TOKEN}`,
    ...throwawaySigningKeys(),
    "--var",
    `PUBLIC_BASE_URL:${base}`,
    // The back-office's dev sign-in, as .dev.vars turns it on for `npm run dev`.
    "--var",
    "BACKOFFICE_DEV_LOGIN:on",
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
  const launch = {
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
  };
  browser = await chromium.launchPersistentContext(profile, {
    ...launch,
    viewport: { width: 900, height: 700 },
    deviceScaleFactor: 2,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());

  // 5. A third-party site (another origin, a strict CSP of its own) embedding the badge in every state with the
  // code a verification page offers: the recommended one (the badge and the registry's /badge.js, which gives
  // the badge's status to assistive technology) and the one without script (an honest `alt`).
  const decode = (h) =>
    h
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  const offered = await (await fetch(`${base}/verify/BR-OR`)).text();
  const snippetOf = (id) =>
    decode(offered.match(new RegExp(`<textarea[^>]*id="${id}"[^>]*>([^<]*)</textarea>`))?.[1] ?? "");
  const withScript = snippetOf("code-integration");
  const withoutScript = snippetOf("code-integration-sans-script");
  check(
    withScript.includes(`${base}/badge.js`) && !withoutScript.includes("<script"),
    "verify page offers both embed codes",
  );
  const forCode = (snippet, code) =>
    snippet.replaceAll("BR-OR", code).replace("Structure de démonstration BR-OR", `Structure de démonstration ${code}`);
  const rows = STATES.map(
    ([code, , , , state]) =>
      `<tr><th scope="row">${state}</th><td id="s-${code}">${forCode(withScript, code)}</td></tr>`,
  ).join("\n");
  // The code without script on a page of its own: /badge.js, where present, tells every badge of its page.
  const plainRows = STATES.map(([code]) => `<p id="n-${code}">${forCode(withoutScript, code)}</p>`).join("\n");
  // Served from another origin on this machine (Chromium keeps public origins from loading loopback resources).
  const thirdPartyHtml = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Badges</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${base}; connect-src ${base}; img-src ${base}; style-src 'unsafe-inline'">
<style>body{font-family:sans-serif;margin:16px;background:#fff}th{text-align:left;padding:4px 12px 4px 0;font-weight:normal;color:#555}td{padding:4px 12px 4px 0}</style>
</head><body><table id="badges">${rows}</table></body></html>`;
  const site = createHttpServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(
      req.url === "/sans-script"
        ? thirdPartyHtml.replace(/<table id="badges">.*<\/table>/s, plainRows)
        : thirdPartyHtml,
    );
  });
  await new Promise((resolve) => site.listen(0, "localhost", resolve));
  const thirdParty = `http://localhost:${site.address().port}/`;
  process.on("exit", () => site.close());
  await page.goto(thirdParty, { waitUntil: "load" });
  const plainPage = await browser.newPage();
  await plainPage.goto(`${thirdParty}sans-script`, { waitUntil: "load" });
  for (const [code, , , , state, text] of STATES) {
    const img = await page.$eval(`#s-${code} img`, (el) => ({
      complete: el.complete,
      w: el.naturalWidth,
      h: el.naturalHeight,
      shown: el.getBoundingClientRect().width,
    }));
    check(
      img.complete && img.w > 60 && img.h === 20 && img.shown > 60,
      `badge ${code} (${state}) renders ${img.w}×${img.h}`,
    );
    const plainAlt = await plainPage.$eval(`#n-${code} img`, (el) => el.alt);
    check(
      plainAlt ===
        `Label Services Publics + de Structure de démonstration ${code} : statut à jour sur la page de vérification du registre`,
      `badge ${code} without script: honest alt « ${plainAlt} »`,
    );
    const res = await page.request.get(`${base}/badge/${code}.svg`);
    const svg = await res.text();
    const aria = svg.match(/^<svg[^>]* aria-label="([^"]*)"/)?.[1] ?? "";
    check(
      /role="img"/.test(svg) && aria.startsWith("Label Services Publics +"),
      `badge ${code} role=img, aria-label « ${aria} »`,
    );
    check(svg.includes(`>${text.replace(/'/g, "&apos;")}</text>`), `badge ${code} says « ${text} »`);
    check(res.headers()["x-label-status"] === state, `badge ${code} status ${state}`);
    // What a screen reader is given: the link's accessible name in Chromium's accessibility tree.
    const spoken = aria.replace(/&apos;/g, "'");
    const word = {
      valid: "valide jusqu'au",
      suspended: "suspendu",
      withdrawn: "retiré",
      expired: "expiré",
      none: "non labellisé",
      unknown: "inconnue",
    }[state];
    // (YAML: a quoted line doubles its single quotes.)
    let tree = "";
    for (let i = 0; i < 50 && !tree.includes(spoken); i++) {
      tree = (await page.locator(`#s-${code} a`).ariaSnapshot()).replace(/''/g, "'");
      if (!tree.includes(spoken)) await page.waitForTimeout(100);
    }
    check(
      tree.includes(`link "${spoken}"`) && tree.includes(word),
      `badge ${code} with /badge.js: accessible name says « ${word} » (${tree.split("\n")[0]})`,
    );
  }
  await plainPage.close();
  const table = await page.$("#badges");
  await table.screenshot({ path: join(out, "badges.png") });
  if (process.argv.includes("--docs")) await table.screenshot({ path: join(root, "docs/badges.png") });

  // 6. The demo data, built as `npm run dev` builds it: every public state is there.
  const seeded = await seedDemo(base, ADMIN_TOKEN);
  const errors = seeded.filter((r) => r.state === "error");
  check(errors.length === 0, `demo data seeded ${errors.map((r) => `${r.code}: ${r.note}`).join(" | ")}`);

  const violations = [];
  const consoleErrors = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  const failed = [];
  // A load the browser abandons because the test navigates on (ERR_ABORTED) is not a failure.
  page.on("requestfailed", (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? "")) failed.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  const axeSource = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");
  const validator = new HtmlValidate({
    // « prettier » turns off the rules about how void elements and the doctype are written (hono/jsx
    // writes `<meta/>`, `<!doctype html>`, and `readonly=""`): style, not validity.
    extends: ["html-validate:recommended", "html-validate:document", "html-validate:prettier"],
    rules: {
      "attribute-boolean-style": ["error", { style: "empty" }],
      // A verification page's title is the structure's name, as registered: some are long.
      "long-title": "off",
      // Subresource integrity for what comes from elsewhere; the stylesheet is this origin's own asset.
      "require-sri": ["error", { target: "crossorigin" }],
    },
  });

  /** axe-core on the page as shown (its script evaluated by the test, not loaded by the page). */
  async function axe(what, p = page) {
    await p.evaluate(axeSource);
    const result = await p.evaluate(() => window.axe.run(document));
    const found = result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help}`);
    check(found.length === 0, `axe-core: no violation on ${what} ${found.join(" | ")}`);
  }
  /** html-validate on a page's HTML as the Worker sends it. */
  async function validateHtml(html, what) {
    const report = await validator.validateString(html, what);
    const found = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} l.${m.line}: ${m.message}`));
    check(report.valid, `html-validate: no error on ${what} ${found.join(" | ")}`);
  }
  const validate = async (url, what) => validateHtml(await (await fetch(url)).text(), what);
  /** What a reader sees of the page; the DSFR stylesheet and fonts applied, no script. */
  async function looksRight(what, p = page) {
    const info = await p.evaluate(async () => {
      await document.fonts.ready;
      return {
        font: getComputedStyle(document.body).fontFamily,
        marianne: document.fonts.check("16px Marianne"),
        scripts: document.scripts.length,
        sheets: document.styleSheets.length,
        footer: document.querySelector("footer")?.textContent ?? "",
        icon: document.querySelector('link[rel="icon"]')?.getAttribute("href"),
      };
    });
    check(info.sheets === 1 && /Marianne/.test(info.font) && info.marianne, `${what}: DSFR stylesheet and font`);
    check(info.scripts === 0, `${what}: no script`);
    check(
      /Accessibilité : non conforme/.test(info.footer) && /Mentions légales/.test(info.footer),
      `${what}: footer with the accessibility status and the legal notice`,
    );
    const icon = await p.request.get(new URL(info.icon ?? "/missing", base).toString());
    check(icon.ok(), `${what}: favicon ${info.icon} served`);
  }

  // 7. The citizen's path: the home page, a search by town, the result, its verification page.
  const home = await page.goto(`${base}/`, { waitUntil: "networkidle" });
  check(home.status() === 200, "home answers 200");
  await looksRight("home");
  await page.screenshot({ path: join(out, "home.png"), fullPage: true });
  if (process.argv.includes("--docs")) await page.screenshot({ path: join(root, "docs/home.png") });
  await axe("home");
  await validate(`${base}/`, "home");

  // [town typed, Code SP+, headline, tier shown, « Valide jusqu'au » and the embed snippet expected]
  const PATHS = [
    ["Démoville", "DEMO-PREF-01", "Label valide — palier Or", true],
    ["Ajaccio-Démo", "DEMO-CAF-2A", "Label valide — palier Argent", true],
    ["Saint-Démo", "DEMO-LYCEE-974", "Label valide — palier Bronze", true],
    ["démoville", "DEMO-MAIRIE-01", "Label suspendu — palier Argent", false],
    ["Démoville", "DEMO-HOPITAL-01", "Label retiré", false],
    ["Orléans-Démo", "DEMO-URSSAF-45", "Label expiré", false],
    ["Démoville", "DEMO-ACCUEIL-01", "Cette structure n'est pas labellisée", false],
    ["Paris", "DEMO-RESEAU", "Cette structure n'est pas labellisée", false],
  ];
  let searchChecked = false;
  for (const [town, code, headline, valid] of PATHS) {
    await page.goto(`${base}/`, { waitUntil: "networkidle" });
    await page.fill("#recherche", town);
    await Promise.all([page.waitForURL(/\/verify\?q=/), page.click("form button[type=submit]")]);
    const link = page.locator(`#resultats a[href="/verify/${code}"]`);
    check((await link.count()) === 1, `search « ${town} » lists ${code}`);
    if (!searchChecked) {
      searchChecked = true;
      await page.screenshot({ path: join(out, "search.png"), fullPage: true });
      await axe("search results");
      await validate(page.url(), "search results");
    }
    await Promise.all([page.waitForURL(`${base}/verify/${code}`), link.click()]);
    const info = await page.evaluate(() => ({
      status: document.querySelector("#statut")?.textContent,
      explanation: document.querySelector("#explication")?.textContent ?? "",
      table: document.querySelector("main table")?.textContent ?? "",
      snippet: document.querySelector("#code-integration")?.textContent ?? null,
      badgeImg: document.querySelector("main img")?.naturalWidth ?? 0,
    }));
    check(info.status === headline, `verify ${code}: « ${info.status} »`);
    check(info.explanation.length > 40, `verify ${code}: one sentence says what it means`);
    check(
      /Valide jusqu'au/.test(info.table) === valid,
      `verify ${code}: « Valide jusqu'au » ${valid ? "shown" : "absent"}`,
    );
    check(
      valid ? info.snippet?.includes(`${base}/badge/${code}.svg`) && info.badgeImg > 60 : info.snippet === null,
      `verify ${code}: embed snippet ${valid ? "offered" : "not offered"}`,
    );
    await looksRight(`verify ${code}`);
    await page.screenshot({ path: join(out, `verify-${code}.png`), fullPage: true });
    await axe(`verify ${code}`);
    await validate(`${base}/verify/${code}`, `verify ${code}`);
  }
  for (const path of ["/verify", "/verify/INCONNU-404", "/mentions-legales", "/accessibilite", "/integration"]) {
    await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
    await looksRight(path);
    await axe(path);
    await validate(`${base}${path}`, path);
  }
  // 7. A problem's `type` page: the same frame and headers, French then English.
  // The printable certificate (test/browser/certificate.mjs): downloaded, read by pdf.js, QR decoded by jsQR.
  await certificateWalk({ page, base, out, check, axe, validate });

  // The transparency log: the minute cron signs a checkpoint of the demo's events, and the monitor anyone can
  // run (examples/monitor.mjs) checks it against this server: signature, root, every label's public answer.
  await fetch(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  const watched = await monitor({ get: (path, init) => fetch(base + path, init), state: {} });
  console.log(watched.lines.map((l) => `  monitor: ${l}`).join("\n"));
  check(watched.ok && watched.state.size > 0, "the transparency-log monitor passes on the demo data");

  const problem = await page.goto(`${base}/problems/conflict`, { waitUntil: "networkidle" });
  check(problem.status() === 200, "problem page answers 200");
  const p = await page.evaluate(() => ({
    h1: document.querySelector("h1")?.textContent,
    en: document.querySelector('section[lang="en"] h2')?.textContent,
    transform: getComputedStyle(document.querySelector("#code")).textTransform,
    scripts: document.scripts.length,
  }));
  check(
    p.h1 === "Conflit avec l'état du registre" && p.en === "Conflict with the registry's state",
    "problem page texts",
  );
  check(p.transform === "uppercase" && p.scripts === 0, "problem page DSFR stylesheet applied, no script");
  await page.screenshot({ path: join(out, "problem-conflict.png"), fullPage: true });
  // 7b. Every public page on a 320 px wide screen, without horizontal scrolling (WCAG 1.4.10 « Reflow »): the
  // page never scrolls sideways; a data table may scroll inside its own frame (the DSFR's .fr-table).
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 320, height: 640 });
  const PUBLIC_PAGES = [
    "/",
    "/verify",
    `/verify?q=${encodeURIComponent("Démoville")}`,
    ...PATHS.map(([, code]) => `/verify/${code}`),
    "/verify/INCONNU-404",
    "/mentions-legales",
    "/accessibilite",
    "/integration",
    "/problems/conflict",
  ];
  for (const path of PUBLIC_PAGES) {
    await phone.goto(`${base}${path}`, { waitUntil: "networkidle" });
    const wide = await phone.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const inScroller = (el) => el.closest(".fr-table, .fr-table__wrapper, textarea");
      const over = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !inScroller(el))
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} ${Math.round(el.getBoundingClientRect().right)} px`,
        );
      return { scroll: document.documentElement.scrollWidth, width, over: over.slice(0, 5) };
    });
    check(
      wide.scroll <= wide.width && wide.over.length === 0,
      `${path} at 320 px: no horizontal scrolling (${wide.scroll} px) ${wide.over.join(" | ")}`,
    );
  }
  await phone.screenshot({ path: join(out, "phone-problem.png"), fullPage: true });
  await phone.goto(`${base}/integration`, { waitUntil: "networkidle" });
  await phone.screenshot({ path: join(out, "phone-integration.png"), fullPage: true });
  await phone.close();

  check(violations.length === 0, `no CSP violation ${violations.join(" | ")}`);
  check(failed.length === 0, `no failed request ${failed.join(" ")}`);

  // 8. /docs: Scalar from our own assets, offline, no console error, no hosted-service button.
  consoleErrors.length = 0;
  // Wide enough for Scalar's sidebar and header, where its hosted-service buttons would be.
  await page.setViewportSize({ width: 1400, height: 900 });
  const docs = await page.goto(`${base}/docs`, { waitUntil: "networkidle" });
  await page.waitForSelector("text=Registre du label", { timeout: 20_000 });
  const docsInfo = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    // biome-ignore lint/performance/useDomNodeTextContent: what is shown is what counts here.
    text: document.body.innerText,
  }));
  check(docs.status() === 200 && docsInfo.lang === "en", `/docs answers 200 with lang="${docsInfo.lang}"`);
  const hosted = ["Ask AI", "Generate SDK", "Deploy", "Generate MCP"].filter((t) => docsInfo.text.includes(t));
  check(hosted.length === 0, `/docs shows no hosted-service button ${hosted.join(", ")}`);
  check(consoleErrors.length === 0, `/docs: no console error ${consoleErrors.join(" | ")}`);
  await page.screenshot({ path: join(out, "docs.png") });
  check(failed.length === 0, `no failed request ${failed.join(" ")}`);

  // 9. The back-office (test/browser/backoffice.mjs): the admin's walk and a body's portal.
  await backofficeWalk({
    browser,
    launch,
    base,
    root,
    out,
    adminToken: ADMIN_TOKEN,
    docs: process.argv.includes("--docs"),
    check,
    axe: (p, what) => axe(what, p),
    validateHtml,
    looksRight: (p, what) => looksRight(what, p),
  });

  // 9b. Issue 25: the results and « le label en chiffres » on a phone, and the open data against its schemas.
  await resultsWalk({
    browser,
    base,
    root,
    out,
    check,
    axe: (p, what) => axe(what, p),
    validateHtml,
    looksRight: (p, what) => looksRight(what, p),
  });

  // 10. The scheduled calls wrangler can make locally: its own hint, the legacy path, an unknown cron.
  for (const path of [
    "/cdn-cgi/local/scheduled",
    "/cdn-cgi/handler/scheduled",
    "/cdn-cgi/handler/scheduled?cron=1+2+3+4+5",
  ]) {
    const r = await fetch(`${base}${path}`);
    check(r.status === 200, `${path} → ${r.status} ${await r.text()}`);
  }
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
