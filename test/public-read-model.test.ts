/**
 * The public read model (`public_labels`) follows every write in the write's own batch: after each
 * one, the row, the public JSON and the source tables (structures, labels, certifiers) agree.
 * Also: the backfill migration rebuilds the same rows, and the listing's public-status filters.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { codeTag, labelTag } from "../src/changes/public-change";
import { purgeLocally } from "../src/changes/purge";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { fold } from "../src/lib/text";
import { type LabelOverrides, makeAssignment, makeCertifier, makeInputs, makeLabel, makeStructure } from "./factories";
import { call, daily } from "./helpers";

const today = todayUtc();

type ModelRow = {
  code: string;
  name: string;
  network: string;
  city: string;
  department: string;
  search_text: string;
  label_number: string | null;
  tier: string | null;
  status: string | null;
  awarded_on: string | null;
  expires_on: string | null;
  superseded_by: string | null;
  certifier_id: string | null;
  certifier_name: string | null;
  region: string | null;
  results: string | null;
  agents_score: number | null;
  candidate: number;
  audit_funded: number;
  history: string;
};

const one = (q: string, ...binds: unknown[]) =>
  env.DB.prepare(q)
    .bind(...binds)
    .first<Record<string, string | number | null>>();

/** The results behind a label, as the read model stores them, rebuilt here from the decision's inputs. */
async function expectedResults(decisionId: string | null) {
  const d = decisionId ? await one("SELECT * FROM decisions WHERE id = ?", decisionId) : null;
  if (!d) return { results: null, agents: null };
  const inputs = JSON.parse(String(d.evaluation)).inputs;
  const r = await one("SELECT * FROM referentials WHERE version = ?", d.referential_version);
  const rules = JSON.parse(String(r!.rules));
  const u = inputs.usagersSurveyId ? await one("SELECT * FROM surveys WHERE id = ?", inputs.usagersSurveyId) : null;
  const a = inputs.auditId ? await one("SELECT * FROM audits WHERE id = ?", inputs.auditId) : null;
  const g = inputs.agentsSurveyId ? await one("SELECT * FROM surveys WHERE id = ?", inputs.agentsSurveyId) : null;
  return {
    agents: (g?.score as number | undefined) ?? null,
    results: {
      decidedOn: d.decided_on,
      tier: d.tier,
      referentialVersion: d.referential_version,
      official: r!.official,
      threshold: rules.tiers[String(d.tier)].engagementScoreMin,
      engagementNames: rules.engagements,
      users: u && {
        periodStart: u.period_start,
        periodEnd: u.period_end,
        invited: u.invited,
        respondents: u.respondents,
        satisfactionRate: u.satisfaction_rate,
        netSatisfaction: u.net_satisfaction,
      },
      audit: a && { auditedOn: a.audited_on, kind: a.kind, engagements: JSON.parse(String(a.engagements)) },
    },
  };
}

const modelRow = (code: string) =>
  env.DB.prepare("SELECT * FROM public_labels WHERE code = ?").bind(code).first<ModelRow>();

/**
 * The public history the source tables imply: the events of the structure's labels but `superseded`,
 * newest (last inserted) first, at most 50; an award of a label that replaced another is `renewed`; each
 * with its log leaf and, for an award, the results of its decision.
 */
async function expectedHistory(code: string) {
  const { results: events } = await env.DB.prepare(
    `SELECT e.rowid AS rid, e.*, l.tier, l.supersedes, l.decision_id FROM label_events e
     JOIN labels l ON l.number = e.label_number WHERE l.structure_code = ?`,
  )
    .bind(code)
    .all<Record<string, string | number | null>>();
  const newest = events
    .filter((e) => e.type !== "superseded")
    .sort((a, b) => Number(b.rid) - Number(a.rid))
    .slice(0, 50);
  return Promise.all(
    newest.map(async (e) => ({
      labelNumber: e.label_number,
      type: e.type === "awarded" && e.supersedes ? "renewed" : e.type,
      toStatus: e.to_status,
      effectiveOn: e.effective_on,
      tier: e.tier,
      logIndex: (await one("SELECT idx FROM log_leaves WHERE label_event_id = ?", e.id))?.idx ?? null,
      results: e.type === "awarded" ? (await expectedResults(e.decision_id as string | null)).results : null,
    })),
  );
}

/**
 * The row the source tables imply, computed here independently of the SQL under test: the
 * structure, its latest label not superseded (ties: the latest inserted) and its awarding body.
 */
async function expectedRow(code: string): Promise<ModelRow> {
  const s = await env.DB.prepare("SELECT * FROM structures WHERE code = ?").bind(code).first<Record<string, string>>();
  const { results: ls } = await env.DB.prepare("SELECT rowid AS rid, * FROM labels WHERE structure_code = ?")
    .bind(code)
    .all<Record<string, string | number | null>>();
  const current = ls
    .filter((l) => l.superseded_by === null)
    .sort((a, b) => String(b.awarded_on).localeCompare(String(a.awarded_on)) || Number(b.rid) - Number(a.rid))[0];
  const body = current
    ? await env.DB.prepare("SELECT name FROM certifiers WHERE id = ?")
        .bind(current.certifier_id)
        .first<{ name: string }>()
    : null;
  const l = (k: string) => (current ? (current[k] as string | null) : null);
  const { results, agents } = await expectedResults(l("decision_id"));
  return {
    code: s!.code!,
    name: s!.name!,
    network: s!.network!,
    city: s!.city!,
    department: s!.department!,
    search_text: fold(`${s!.name} ${s!.code}`),
    label_number: l("number"),
    tier: l("tier"),
    status: l("status"),
    awarded_on: l("awarded_on"),
    expires_on: l("expires_on"),
    superseded_by: l("superseded_by"),
    certifier_id: l("certifier_id"),
    certifier_name: body?.name ?? null,
    region: s!.region ?? null,
    results: results as never,
    agents_score: agents,
    candidate: !current && s!.certifier_id ? 1 : 0,
    audit_funded: Number(s!.audit_funded),
    history: (await expectedHistory(code)) as never,
  };
}

/** Row, source tables and public JSON agree; returns the row. */
async function agree(code: string) {
  const stored = await modelRow(code);
  const row = stored && {
    ...stored,
    results: stored.results && JSON.parse(stored.results),
    history: JSON.parse(stored.history),
  };
  expect(row, code).toEqual(await expectedRow(code));
  // The edge cache is not under test here: read what D1 answers now.
  await purgeLocally([codeTag(code), ...(row!.label_number ? [labelTag(row!.label_number)] : [])]);
  const r = await call("GET", `/v1/public/labels/${code}`, { token: null });
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({
    labelNumber: row!.label_number,
    tier: row!.tier,
    awardedOn: row!.awarded_on,
    expiresOn: row!.expires_on,
    supersededBy: null,
    structure: { code, name: row!.name, network: row!.network, city: row!.city, department: row!.department },
    certifier: row!.certifier_name ? { name: row!.certifier_name } : null,
  });
  return { row: row!, json: r.json };
}

describe("public_labels follows every write, in the write's batch", () => {
  it("create, patch, award, renewal, suspend, reinstate, withdraw, certifier rename", async () => {
    const oc = await makeCertifier({ name: "Organisme Modèle" });
    const { code } = await makeStructure({ code: "RM-0001", name: "Préfecture Modèle", city: "Arles" });

    // Created: a row without label.
    let { row, json } = await agree(code);
    expect(row).toMatchObject({ name: "Préfecture Modèle", label_number: null, status: null });
    expect(json).toMatchObject({ valid: false, status: "none" });

    // Patched: name, network, city, department, and the search text.
    let r = await call("PATCH", `/v1/structures/${code}`, {
      body: { name: "Sous-préfecture Modèle", network: "Préfectures bis", city: "Tarascon", department: "13" },
    });
    expect(r.status).toBe(200);
    ({ row } = await agree(code));
    expect(row).toMatchObject({
      name: "Sous-préfecture Modèle",
      city: "Tarascon",
      search_text: "sous-prefecture modele rm-0001",
    });

    // Award.
    await makeAssignment(code, oc.id);
    await makeInputs(code, oc.id, { on: addDays(today, -30) });
    r = await call("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: addDays(today, -20) },
    });
    expect(r.status).toBe(201);
    const first = r.json.label.number as string;
    ({ row, json } = await agree(code));
    expect(row).toMatchObject({ label_number: first, status: "valid", certifier_name: "Organisme Modèle" });
    expect(json).toMatchObject({ valid: true, status: "valid" });

    // Renewal: the new label becomes the row's; the old one stays readable by its number.
    await makeInputs(code, oc.id, { on: addDays(today, -5) });
    r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: today } });
    expect(r.status).toBe(201);
    const second = r.json.label.number as string;
    ({ row } = await agree(code));
    expect(row).toMatchObject({ label_number: second, awarded_on: today, superseded_by: null });
    r = await call("GET", `/v1/public/labels/${first}`, { token: null });
    expect(r.json).toMatchObject({ labelNumber: first, supersededBy: second, structure: { code } });

    // Suspend, reinstate, withdraw.
    for (const [action, status] of [
      ["suspend", "suspended"],
      ["reinstate", "valid"],
      ["withdraw", "withdrawn"],
    ] as const) {
      r = await call("POST", `/v1/labels/${second}/${action}`, { body: { reason: `Motif ${action}` } });
      expect(r.status, action).toBe(200);
      ({ row, json } = await agree(code));
      expect(row.status, action).toBe(status);
      expect(json.status, action).toBe(status);
    }

    // A refused transition changes nothing (its batch did not run).
    r = await call("POST", `/v1/labels/${second}/reinstate`, { body: { reason: "Trop tard" } });
    expect(r.status).toBe(409);
    expect((await agree(code)).row.status).toBe("withdrawn");

    // Certifier rename: the awarding body's name on its rows.
    r = await call("PATCH", `/v1/certifiers/${oc.id}`, { body: { name: "Organisme Renommé" } });
    expect(r.status).toBe(200);
    ({ row, json } = await agree(code));
    expect(row.certifier_name).toBe("Organisme Renommé");
    expect(json.certifier).toEqual({ name: "Organisme Renommé" });
  });

  it("the daily expiry lapses the rows of the labels it expires", async () => {
    const lapsed = await makeLabel({ expiresOn: addDays(today, -1) });
    const suspended = await makeLabel({ expiresOn: addDays(today, -2), status: "suspended" });
    const running = await makeLabel({ expiresOn: addDays(today, 10) });
    expect((await modelRow(lapsed.structureCode))?.status).toBe("valid");

    await daily(today);
    for (const [l, status] of [
      [lapsed, "expired"],
      [suspended, "expired"],
      [running, "valid"],
    ] as const) {
      const { row, json } = await agree(l.structureCode);
      expect(row.status).toBe(status);
      expect(json.status).toBe(status);
    }
  });

  it("the backfill migration builds the same rows, and fills rows written behind the model's back", async () => {
    const oc = await makeCertifier({ name: "Organisme Backfill" });
    const { code } = await makeStructure({ code: "RM-BACK-1" });
    await makeAssignment(code, oc.id);
    await makeLabel({ structureCode: code, certifierId: oc.id, tier: "argent" });
    // A structure and a label written straight into SQL, as an existing database holds them.
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO structures (code, name, network, category, postcode, city, department, contacts, search_text)
         VALUES ('RM-BACK-2', 'Caisse Ancienne', 'CAF', 'organisme_securite_sociale', '30000', 'Nîmes', '30', '[]', 'x')`,
      ),
      env.DB.prepare(
        `INSERT INTO labels (number, structure_code, certifier_id, tier, status, awarded_on, expires_on, original_awarded_on)
         VALUES ('SPP-2025-990001', 'RM-BACK-2', ?, 'or', 'valid', '2025-01-10', '2028-01-09', '2025-01-10')`,
      ).bind(oc.id),
      env.DB.prepare(
        `INSERT INTO label_events (id, label_number, type, to_status, actor, effective_on, actor_role)
         VALUES ('ev_back_2', 'SPP-2025-990001', 'awarded', 'valid', 'admin:import', '2025-01-10', 'admin')`,
      ),
    ]);
    expect(await modelRow("RM-BACK-2")).toBeNull();
    const before = (await env.DB.prepare("SELECT * FROM public_labels ORDER BY code").all()).results;

    // The rows, then their public history (scripts/backfill-file.mjs runs the same two after seeds).
    for (const file of ["_backfill_public_labels.sql", "_backfill_public_history.sql"]) {
      const migration = env.TEST_MIGRATIONS.find((m) => m.name.endsWith(file));
      expect(migration, `migrations/*${file}`).toBeDefined();
      for (const q of migration!.queries) await env.DB.prepare(q).run();
    }

    const after = (await env.DB.prepare("SELECT * FROM public_labels ORDER BY code").all()).results;
    // Every row maintained by the writes is unchanged; the raw one now exists, as the writes would build it.
    expect(after.filter((r) => r.code !== "RM-BACK-2")).toEqual(before);
    const raw = await modelRow("RM-BACK-2");
    expect({ ...raw, history: JSON.parse(raw!.history) }).toEqual({
      ...(await expectedRow("RM-BACK-2")),
      search_text: "x",
    });
    expect(raw).toMatchObject({ label_number: "SPP-2025-990001", certifier_name: "Organisme Backfill" });
    expect(JSON.parse(raw!.history)).toMatchObject([
      { labelNumber: "SPP-2025-990001", type: "awarded", results: null },
    ]);
  });
});

describe("listing: public status filters over the read model", () => {
  it("valid/suspended exclude labels past their end; expired merges stored and lapsed, page by page", async () => {
    const oc = await makeCertifier({ name: "OC Statuts" });
    const mk = async (key: string, label: LabelOverrides) => {
      const s = await makeStructure({ code: `RMS-${key}`, name: `Statut ${key}` });
      await makeAssignment(s.code, oc.id);
      await makeLabel({ structureCode: s.code, certifierId: oc.id, ...label });
    };
    await mk("A", { status: "expired", expiresOn: addDays(today, -100) });
    await mk("B", { status: "valid", expiresOn: addDays(today, -1) }); // the cron has not run yet
    await mk("C", { status: "suspended", expiresOn: addDays(today, -3) });
    await mk("D", { status: "expired", expiresOn: addDays(today, -400) });
    await mk("E", { status: "valid", expiresOn: addDays(today, 400) });
    await mk("F", { status: "suspended", expiresOn: addDays(today, 400) });
    await mk("G", { status: "valid", expiresOn: today }); // its last valid day

    const list = async (status: string, limit = 50) => {
      const codes: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const qs = `q=RMS-&status=${status}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
        const r = await call("GET", `/v1/public/labels?${qs}`, { token: null });
        expect(r.status).toBe(200);
        for (const i of r.json.items) {
          expect(i.status).toBe(status);
          codes.push(i.structure.code);
        }
        cursor = r.json.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      return codes;
    };
    expect(await list("valid")).toEqual(["RMS-E", "RMS-G"]);
    expect(await list("suspended")).toEqual(["RMS-F"]);
    expect(await list("expired")).toEqual(["RMS-A", "RMS-B", "RMS-C", "RMS-D"]);
    // One per page: the two sources interleave by code through the cursor.
    expect(await list("expired", 1)).toEqual(["RMS-A", "RMS-B", "RMS-C", "RMS-D"]);
    expect(await list("valid", 1)).toEqual(["RMS-E", "RMS-G"]);
  });
});
