// Issue 25 in a browser, and the open data against its Table Schemas (run by test/browser/run.mjs on the
// demo data): a citizen on a 320 px phone reads a labelled service's « Résultats » and their history, then
// « le label en chiffres » (/chiffres), with axe-core and html-validate clean and no horizontal scroll;
// the labels' CSV and the figures' CSV validate against open-data/schemas/ with Frictionless' own
// JavaScript library (`tableschema`), which needs Node (it does not load in workerd): hence here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tableschema from "tableschema";

const { Schema, Table } = tableschema;

/** A CSV of the registry validated against a Table Schema of open-data/schemas/: every row cast, none refused. */
async function validateCsv(t, url, schemaFile, what) {
  const descriptor = JSON.parse(readFileSync(join(t.root, "open-data/schemas", schemaFile), "utf8"));
  const schema = await Schema.load(descriptor);
  t.check(schema.valid, `${what}: its Table Schema is valid ${(schema.errors ?? []).map(String).join(" | ")}`);
  // fetch's text() would drop the byte-order mark: read the bytes.
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  t.check(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, `${what}: UTF-8 with a byte-order mark`);
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const dir = mkdtempSync(join(tmpdir(), "spp-open-data-"));
  try {
    const file = join(dir, "data.csv");
    writeFileSync(file, text.replace(/^\uFEFF/, ""));
    const table = await Table.load(file, { schema: descriptor, headers: 1, parserOptions: { delimiter: ";" } });
    const rows = await table.read({ forceCast: true });
    const refused = rows.flatMap((r, i) =>
      r instanceof Error ? [`row ${i + 2}: ${r.message} ${(r.errors ?? []).map((e) => e.message).join(", ")}`] : [],
    );
    t.check(
      JSON.stringify(table.headers) === JSON.stringify(descriptor.fields.map((f) => f.name)),
      `${what}: its columns are the schema's fields, in order`,
    );
    t.check(
      rows.length > 0 && refused.length === 0,
      `${what}: ${rows.length} rows valid against ${schemaFile} ${refused.slice(0, 5).join(" | ")}`,
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function resultsWalk(t) {
  const { base, check } = t;
  // A phone: 320 CSS pixels wide.
  // Not `isMobile`: Chromium's mobile emulation widens the layout viewport to fit what overflows, which
  // would hide the very scroll this checks.
  // The run's browser is a persistent context: its pages take their size from setViewportSize.
  const phone = await t.browser.newPage();
  await phone.setViewportSize({ width: 320, height: 640 });
  const noHorizontalScroll = async (what) => {
    const w = await phone.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: window.innerWidth }));
    check(w.scroll <= w.view, `${what} at 320 px: no horizontal scroll (${w.scroll} ≤ ${w.view})`);
  };
  try {
    for (const code of ["DEMO-PREF-01", "DEMO-CAF-2A", "DEMO-LYCEE-974"]) {
      await phone.goto(`${base}/verify/${code}`, { waitUntil: "networkidle" });
      const info = await phone.evaluate(() => ({
        title: document.querySelector("#resultats-titre")?.textContent,
        users: document.querySelector("#enquete-usagers")?.textContent ?? "",
        audit: document.querySelectorAll("#tableau-audit tbody tr").length,
        chart: document.querySelector("#resultats svg[role=img] title")?.textContent ?? "",
        history: [...document.querySelectorAll("main table")].at(-1)?.textContent ?? "",
      }));
      check(info.title === "Résultats", `verify ${code}: a « Résultats » section`);
      check(
        /Taux de satisfaction\s*\d+(,\d)? %/.test(info.users),
        `verify ${code}: the users' satisfaction in French (${info.users.slice(0, 60)})`,
      );
      check(
        /Satisfaction nette/.test(info.users) && /invités/.test(info.users),
        `verify ${code}: net satisfaction, respondents and invited`,
      );
      check(
        info.audit === 8 && info.chart.length > 0,
        `verify ${code}: the audit's 8 engagements, a chart and its table`,
      );
      check(
        /Enquête usagers du .* audit du /.test(info.history),
        `verify ${code}: the history shows the survey and audit of the award`,
      );
      await noHorizontalScroll(`verify ${code}`);
      await t.axe(phone, `verify ${code} (phone)`);
    }
    await phone.screenshot({ path: join(t.out, "verify-results-phone.png"), fullPage: true });

    await phone.goto(`${base}/`, { waitUntil: "networkidle" });
    await Promise.all([phone.waitForURL(`${base}/chiffres`), phone.click("#lien-chiffres")]);
    const f = await phone.evaluate(() =>
      Object.fromEntries(
        ["statuts", "reseaux", "regions", "departements", "mois", "satisfaction", "candidats"].map((id) => [
          id,
          {
            rows: document.querySelectorAll(`#tableau-${id} tbody tr`).length,
            chart: !!document.querySelector(
              `svg[role=img] > title#graphique-${id === "statuts" ? "paliers" : id}-titre`,
            ),
          },
        ]),
      ),
    );
    for (const [id, x] of Object.entries(f))
      check(x.rows > 0 && x.chart, `/chiffres: ${id} has its chart and a table with rows`);
    const funded = await phone.evaluate(() => document.querySelector("#tableau-candidats")?.textContent ?? "");
    check(
      /dont audit financé par la DITP/.test(funded) && !/DEMO-ACCUEIL-01/.test(funded),
      "/chiffres: funded audits counted, never named",
    );
    check(
      /score moyen de l'enquête auprès des agents/i.test(await phone.textContent("main")),
      "/chiffres: the agents' national aggregate",
    );
    await noHorizontalScroll("/chiffres");
    await phone.screenshot({ path: join(t.out, "chiffres-phone.png"), fullPage: true });
    await t.axe(phone, "/chiffres (phone)");
    await t.looksRight(phone, "/chiffres");
    await t.validateHtml(await (await fetch(`${base}/chiffres`)).text(), "/chiffres");
    await t.validateHtml(await (await fetch(`${base}/verify/DEMO-PREF-01`)).text(), "verify DEMO-PREF-01 with results");

    // Open data without asking: the package, its schemas at stable URLs, and both CSVs valid against them.
    const pkg = await (await fetch(`${base}/datapackage.json`)).json();
    check(pkg.resources?.length === 2, "/datapackage.json describes the labels and the figures");
    for (const r of pkg.resources ?? []) check((await fetch(r.schema)).ok, `${r.name}: its schema at ${r.schema}`);
    const labels = await validateCsv(t, `${base}/v1/public/labels?format=csv&limit=1000`, "labels.json", "labels CSV");
    check(
      labels.some((r) => Array.isArray(r) && typeof r[18] === "number"),
      "labels CSV: users' satisfaction cast as numbers",
    );
    await validateCsv(t, `${base}/chiffres.csv`, "chiffres.json", "figures CSV");
  } finally {
    await phone.close();
  }
}
