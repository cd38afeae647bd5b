/**
 * Issue 25: the quality results behind each label on its public answers (JSON, page, CSV, history), cut by
 * the publication policy, and « le label en chiffres » (/chiffres, its JSON and CSV) kept by the counters
 * of src/db/figures.ts — which must always equal the figures recomputed from the tables.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import figuresSchema from "../open-data/schemas/chiffres.json";
import labelsSchema from "../open-data/schemas/labels.json";
import { getDb } from "../src/db/client";
import { figuresFromScratch, readFigures } from "../src/db/figures";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { PolicyText } from "../src/domain/publication";
import { outageD1 } from "../src/lib/d1-outage";
import { CSV_COLUMNS } from "../src/public/present";
import { makeAssignment, makeAudit, makeCertifier, makeLabel, makeStructure, makeSurvey } from "./factories";
import { call, daily } from "./helpers";

const today = todayUtc();
const anonymous = (path: string, opts: { env?: object } = {}) => call("GET", path, { token: null, ...opts });
const SCORES = [82, 90, 55, 71, 64, 77, 88, 69];

/** A structure labelled argent on inputs with varied scores: engagement 3 (55) is below argent's 60. */
async function labelledWithResults(over: { network?: string; department?: string; region?: string } = {}) {
  const oc = await makeCertifier();
  const s = await makeStructure(over);
  await makeAssignment(s.code, oc.id);
  const on = addDays(today, -10);
  await makeAudit(s.code, oc.id, {
    auditedOn: addDays(today, -20),
    engagements: SCORES.map((score, i) => ({ number: i + 1, score })),
  });
  await makeSurvey(s.code, oc.id, "usagers", {
    periodStart: addDays(on, -60),
    periodEnd: on,
    invited: 1200,
    respondents: 412,
    satisfactionRate: 87.5,
    netSatisfaction: -5,
  });
  await makeSurvey(s.code, oc.id, "agents", { periodEnd: on, score: 66 });
  const r = await call("POST", `/v1/structures/${s.code}/decisions`, {
    body: { decision: "award", tier: "argent", decidedOn: today, justification: "Engagement 3 en progrès" },
  });
  expect(r.status).toBe(201);
  return { code: s.code, number: r.json.label.number as string, certifierId: oc.id };
}

async function figuresAgree() {
  const sort = (rows: { dim: string; key: string }[]) =>
    [...rows].sort((a, b) => `${a.dim}/${a.key}`.localeCompare(`${b.dim}/${b.key}`));
  expect(sort(await readFigures(getDb(env.DB)))).toEqual(sort(await figuresFromScratch(getDb(env.DB))));
}

describe("results on a labelled service's answers", () => {
  it("JSON: the users' survey and the audit per engagement against the tier's threshold", async () => {
    const { code } = await labelledWithResults();
    const r = await anonymous(`/v1/public/labels/${code}`);
    expect(r.status).toBe(200);
    const res = r.json.results;
    expect(res.referential).toEqual({ version: "2023-illustratif", official: false });
    expect(res.usersSurvey).toEqual({
      periodStart: addDays(today, -70),
      periodEnd: addDays(today, -10),
      invited: 1200,
      respondents: 412,
      responseRate: 34.3,
      satisfactionRate: 87.5,
      netSatisfaction: -5,
    });
    expect(res.audit).toMatchObject({ auditedOn: addDays(today, -20), kind: "initial", tier: "argent", threshold: 60 });
    expect(res.audit.engagements.map((e: { score: number }) => e.score)).toEqual(SCORES);
    expect(res.audit.engagements[2]).toMatchObject({ number: 3, score: 55, meetsThreshold: false });
    expect(res.audit.engagements[0].name).toBe(
      "Dans le respect mutuel, vous êtes accueillis avec bienveillance et avez le droit à l'erreur",
    );
    expect(res.audit.engagements[7].name).toBe("Engagement 8 — éco-responsabilité");
    expect(res.audit.engagementsMet).toBe(7);
    // The agents' survey is never published per structure.
    expect(r.text).not.toMatch(/agent/i);
  });

  it("a structure without a label has no results; the policy decides what is published", async () => {
    const bare = await makeStructure();
    expect((await anonymous(`/v1/public/labels/${bare.code}`)).json.results).toBeNull();
    const { code } = await labelledWithResults();
    const policy = (p: object) => ({
      PUBLICATION_POLICY: JSON.stringify({
        usersSurvey: "per-structure",
        audit: "per-structure",
        agentsSurvey: "national",
        auditFunding: "national",
        ...p,
      }),
    });
    // The edge cache keys on the path: each policy is read on a fresh miss through the bulk answer (never cached).
    const bulk = async (p: object) =>
      (await call("POST", "/v1/public/labels/verify", { token: null, body: { refs: [code] }, env: policy(p) })).json
        .items[0];
    expect((await bulk({ usersSurvey: "national" })).results).toMatchObject({ usersSurvey: null });
    expect((await bulk({ usersSurvey: "none", audit: "none" })).results).toBeNull();
    expect((await bulk({})).structure.auditFundedByDitp).toBeUndefined();
    expect((await bulk({ auditFunding: "per-structure" })).structure.auditFundedByDitp).toBe(false);
  });

  it("the policy is checked at start: agents per structure, unknown keys or bad JSON are refused", () => {
    expect(
      PolicyText.safeParse(
        JSON.stringify({ usersSurvey: "per-structure", audit: "none", agentsSurvey: "national", auditFunding: "none" }),
      ).success,
    ).toBe(true);
    const bad = PolicyText.safeParse(
      JSON.stringify({
        usersSurvey: "per-structure",
        audit: "none",
        agentsSurvey: "per-structure",
        auditFunding: "none",
      }),
    );
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("never published per structure");
    expect(PolicyText.safeParse("{ nope").success).toBe(false);
    expect(PolicyText.safeParse(JSON.stringify({ usersSurvey: "per-structure" })).success).toBe(false);
  });

  it("page: a « Résultats » section in French, its chart and table, and the history with the results", async () => {
    const { code } = await labelledWithResults();
    const r = await anonymous(`/verify/${code}`);
    expect(r.status).toBe(200);
    r.text = r.text.replaceAll("&#39;", "'");
    expect(r.text).toContain('<h2 id="resultats-titre">Résultats</h2>');
    expect(r.text).toContain("87,5 %");
    expect(r.text).toContain("−5 points");
    expect(r.text).toMatch(/412 sur 1[\s\u202f\u00a0]200 invités \(34,3 %\)/);
    expect(r.text).toContain("Part des usagers ayant répondu qui se disent satisfaits du service.");
    expect(r.text).toContain('role="img"');
    expect(r.text).toContain('id="tableau-audit"');
    expect(r.text).toContain("référentiel d'illustration");
    expect(r.text).toMatch(
      /Enquête usagers du .* : 87,5 % d'usagers satisfaits ; audit du .* score moyen 74,5 sur 100/,
    );
  });

  it("history: the award carries its survey period and audit", async () => {
    const { code, number } = await labelledWithResults();
    const h = await anonymous(`/v1/public/labels/${code}/history`);
    expect(h.status).toBe(200);
    expect(h.json.items[0]).toMatchObject({
      labelNumber: number,
      type: "awarded",
      results: {
        usersSurvey: { periodEnd: addDays(today, -10), satisfactionRate: 87.5, respondents: 412 },
        audit: { auditedOn: addDays(today, -20), engagementsMet: 7, averageScore: 74.5 },
      },
    });
  });

  it("D1 down: the stale JSON and page (its results and its history) show the same results as fresh ones", async () => {
    const { code, number } = await labelledWithResults();
    const fresh = await anonymous(`/v1/public/labels/${number}`);
    // The change's `last-known` effect stored the facts; D1 failing for these requests, they are read instead
    // (by code: the fresh answer by number is in the edge cache).
    const down = { env: { DB: outageD1("error") } };
    const stale = await anonymous(`/v1/public/labels/${code}`, down);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(stale.status).toBe(200);
    expect(stale.json.stale).toBe(true);
    expect(stale.json.results).toEqual(fresh.json.results);
    expect(stale.json.results.audit.engagementsMet).toBe(7);
    const page = await anonymous(`/verify/${code}`, down);
    expect(page.status).toBe(200);
    page.text = page.text.replaceAll("&#39;", "'");
    expect(page.text).toContain("le registre est momentanément injoignable");
    expect(page.text).toContain('<h2 id="resultats-titre">Résultats</h2>');
    expect(page.text).toContain("87,5 %");
    expect(page.text).toMatch(
      /Enquête usagers du .* : 87,5 % d'usagers satisfaits ; audit du .* score moyen 74,5 sur 100/,
    );
    // The policy of the moment cuts the stored facts, as it does a fresh answer (another structure: no cache).
    const other = await labelledWithResults();
    const policy = { usersSurvey: "none", audit: "none", agentsSurvey: "national", auditFunding: "none" };
    const cut = await anonymous(`/v1/public/labels/${other.code}`, {
      env: { DB: outageD1("error"), PUBLICATION_POLICY: JSON.stringify(policy) },
    });
    expect(cut.status).toBe(200);
    expect(cut.json).toMatchObject({ stale: true, results: null });
  });

  it("CSV: the results in French columns, numbers with a decimal comma, the columns of the Table Schema", async () => {
    const { code } = await labelledWithResults({ network: "Réseau CSV résultats" });
    const r = await anonymous(`/v1/public/labels?format=csv&network=${encodeURIComponent("Réseau CSV résultats")}`);
    const [header, line] = r.text.replace(/^\uFEFF/, "").split("\r\n");
    const row = Object.fromEntries(header!.split(";").map((h, i) => [h, line!.split(";")[i]]));
    expect(row.code_sp_de_la_structure).toBe(code);
    expect(row).toMatchObject({
      taux_satisfaction_usagers: "87,5",
      satisfaction_nette_usagers: "-5",
      usagers_invites: "1200",
      usagers_repondants: "412",
      date_audit: addDays(today, -20),
      seuil_engagement_palier: "60",
      engagements_atteints: "7",
      score_engagement_3: "55",
    });
    expect(labelsSchema.fields.map((f) => f.name)).toEqual(CSV_COLUMNS.map(([h]) => h));
    for (const f of [...labelsSchema.fields, ...figuresSchema.fields]) {
      expect(f, f.name).toMatchObject({
        title: expect.any(String),
        description: expect.any(String),
        type: expect.any(String),
      });
      expect(f.example, f.name).toBeDefined();
    }
  });
});

describe("le label en chiffres", () => {
  it("counts labels, networks, regions, departments, months, satisfaction and candidates, as the tables say", async () => {
    const network = "Réseau Chiffres";
    const a = await labelledWithResults({ network, department: "30", region: "Occitanie" });
    await labelledWithResults({ network, department: "34" });
    // A candidate whose audit the DITP funds (PATCH), and a candidate it does not fund.
    const oc = await makeCertifier();
    const funded = await makeStructure({ network });
    await makeAssignment(funded.code, oc.id);
    const patch = await call("PATCH", `/v1/structures/${funded.code}`, { body: { auditFunded: true } });
    expect(patch.status).toBe(200);
    expect(patch.json.auditFunded).toBe(true);
    const other = await makeStructure({ network });
    await makeAssignment(other.code, oc.id);
    await figuresAgree();

    const f = (await anonymous("/chiffres.json")).json;
    expect(f.byNetwork.find((x: { network: string }) => x.network === network)).toEqual({
      network,
      labels: 2,
      usersSatisfaction: 87.5,
      surveys: 2,
    });
    expect(f.candidatesByNetwork.find((x: { network: string }) => x.network === network)).toEqual({
      network,
      candidates: 2,
      funded: 1,
    });
    expect(f.byDepartment).toEqual(expect.arrayContaining([{ department: "30", labels: expect.any(Number) }]));
    expect(f.byRegion).toEqual(expect.arrayContaining([{ region: "Occitanie", labels: expect.any(Number) }]));
    expect(f.awardedByMonth).toEqual(
      expect.arrayContaining([{ month: today.slice(0, 7), labels: expect.any(Number) }]),
    );
    expect(f.agents.averageScore).toBeGreaterThan(0);
    expect(
      f.labelsByStatusAndTier.find((x: { status: string; tier: string }) => x.status === "valid" && x.tier === "argent")
        .labels,
    ).toBeGreaterThanOrEqual(2);

    // The funded structure is never named in public.
    const page = await anonymous("/chiffres");
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(funded.code);
    expect(page.text).toContain("Le label en chiffres");
    expect(page.text).toContain('id="tableau-candidats"');
    const csv = await anonymous("/chiffres.csv");
    expect(csv.text).toContain(`candidats_finances_par_reseau;${network};${network};1;`);
    expect(csv.text).toContain(`satisfaction_usagers_par_reseau;${network};${network};87,5;2`);

    // Withdrawing a label moves it out of the valid counts: counters and tables still agree.
    await call("POST", `/v1/labels/${a.number}/withdraw`, { body: { reason: "Retrait de test" } });
    await figuresAgree();
  });

  it("is cached with Cache-Tag spp-figures and purged by the next change", async () => {
    const first = await anonymous("/chiffres.json");
    expect(first.headers.get("Cache-Tag")).toBe("spp-figures");
    expect((await anonymous("/chiffres.json")).headers.get("X-Cache")).toBe("HIT");
    const before = first.json.validLabels;
    await makeLabel();
    const after = await anonymous("/chiffres.json");
    expect(after.headers.get("X-Cache")).toBe("MISS");
    expect(after.json.validLabels).toBe(before + 1);
  });

  it("the daily expiry and bulk writes keep the counters equal to the tables", async () => {
    await makeLabel({ expiresOn: addDays(today, 2) });
    await daily(addDays(today, 4));
    await figuresAgree();
  });

  it("serves the data package and its Table Schemas at stable URLs", async () => {
    const p = await anonymous("/datapackage.json");
    expect(p.status).toBe(200);
    expect(p.json.profile).toBe("tabular-data-package");
    for (const r of p.json.resources) {
      expect(r.dialect.delimiter).toBe(";");
      const path = new URL(r.schema).pathname;
      const s = await anonymous(path);
      expect(s.status).toBe(200);
      expect(s.json.missingValues).toEqual([""]);
    }
    expect((await anonymous("/schemas/nope.json")).status).toBe(404);
  });
});

describe("rows read on a cache miss (D1_METRICS on)", () => {
  const rowsRead = async (path: string) => {
    const r = await anonymous(path, { env: { D1_METRICS: "on" } });
    expect(r.status).toBe(200);
    return Number(r.headers.get("X-D1-Rows-Read"));
  };
  it("the JSON answer and the page, with results and history, read ≤ 2 rows; the figures ≤ 1,000", async () => {
    const { code } = await labelledWithResults();
    expect(await rowsRead(`/v1/public/labels/${code}`)).toBeLessThanOrEqual(2);
    // The history is in the read-model row (`public_labels.history`): the page reads that one row.
    expect(await rowsRead(`/verify/${code}`)).toBeLessThanOrEqual(2);
    expect(await rowsRead(`/v1/public/labels/${code}/history`)).toBeLessThanOrEqual(2);
    expect(await rowsRead("/chiffres.csv")).toBeLessThanOrEqual(1000);
  });
});
