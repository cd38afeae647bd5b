// The demo data of `npm run dev`: fictional structures in every public state, built the way real
// data is built — structures and assignments through the admin API, audits, surveys, decisions and
// status changes as signed Standard Webhooks deliveries from the demo body (scripts/demo-data.sql),
// and the expiry by the daily cron — against a running Worker.
//
// Idempotent: a structure that already has its label is left alone; each delivery's id, references
// and body are fixed for a given day, so a run interrupted half-way resumes without applying twice.
// Dates are relative to today (UTC), so on any day the labels are in the states below; the expired
// one was awarded more than 3 years ago, within the demo body's habilitation (from 2023-09-01).
import { Webhook } from "standardwebhooks";

/** The demo body's public dev credentials (scripts/demo-data.sql): local development only. */
export const DEMO_BODY = {
  id: "oc_demo",
  apiKey: "spp_demo_certifier_key_for_local_dev_only",
  webhookSecret: "whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh",
};

const base = (over) => ({
  typology: "Accueil physique",
  parentCode: "DEMO-RESEAU",
  region: "Auvergne-Rhône-Alpes",
  contacts: [{ email: `qualite.${over.code.toLowerCase()}@demo.example`, role: "Référent qualité" }],
  ...over,
});

/**
 * The demo structures and the public state each one ends in. `awardedDaysAgo` dates the decision;
 * scores are chosen so the illustrative référentiel proposes `tier` (docs/tiers-and-lifecycle.md).
 */
export const DEMO = [
  {
    state: "none",
    structure: {
      code: "DEMO-RESEAU",
      name: "Réseau de démonstration (fictif)",
      network: "Réseau de démonstration",
      typology: "Tête de réseau",
      category: "etablissement_public_etat",
      postcode: "75007",
      city: "Paris",
      department: "75",
      region: "Île-de-France",
      website: "https://demo.example",
      contacts: [{ email: "qualite@reseau-demo.example", role: "Pilote qualité" }],
    },
  },
  {
    state: "valid",
    tier: "or",
    awardedDaysAgo: 40,
    structure: base({
      code: "DEMO-PREF-01",
      name: "Préfecture de Démoville (fictive)",
      network: "Préfectures (démo)",
      category: "service_deconcentre_etat",
      postcode: "01000",
      city: "Démoville",
      department: "01",
    }),
  },
  {
    state: "valid",
    tier: "argent",
    awardedDaysAgo: 120,
    structure: base({
      code: "DEMO-CAF-2A",
      name: "Caisse de démonstration de Corse-du-Sud (fictive)",
      network: "Caisses (démo)",
      typology: "Accueil téléphonique",
      category: "organisme_securite_sociale",
      postcode: "20000",
      city: "Ajaccio-Démo",
      department: "2A",
      region: "Corse",
    }),
  },
  {
    state: "valid",
    tier: "bronze",
    awardedDaysAgo: 200,
    structure: base({
      code: "DEMO-LYCEE-974",
      name: "Lycée de démonstration de La Réunion (fictif)",
      network: "Lycées (démo)",
      typology: "EPLE",
      category: "eple",
      postcode: "97400",
      city: "Saint-Démo",
      department: "974",
      region: "La Réunion",
    }),
  },
  {
    state: "suspended",
    tier: "argent",
    awardedDaysAgo: 300,
    changedDaysAgo: 12,
    reason: "Audit de suivi non réalisé dans le délai prévu (démonstration)",
    structure: base({
      code: "DEMO-MAIRIE-01",
      name: "Mairie de Démoville (fictive)",
      network: "Communes (démo)",
      category: "collectivite_territoriale",
      postcode: "01000",
      city: "Démoville",
      department: "01",
    }),
  },
  {
    state: "withdrawn",
    tier: "bronze",
    awardedDaysAgo: 500,
    changedDaysAgo: 30,
    reason: "Manquements graves constatés lors de l'audit de suivi (démonstration)",
    structure: base({
      code: "DEMO-HOPITAL-01",
      name: "Centre hospitalier de Démoville (fictif)",
      network: "Hôpitaux (démo)",
      category: "etablissement_public_sante",
      postcode: "01000",
      city: "Démoville",
      department: "01",
    }),
  },
  {
    state: "expired",
    tier: "argent",
    // Three years (the label's term) and 20 days ago: it ended 20 days ago, not renewed.
    awardedYearsAgo: 3,
    awardedDaysAgo: 20,
    structure: base({
      code: "DEMO-URSSAF-45",
      name: "Caisse de recouvrement de démonstration du Loiret (fictive)",
      network: "Caisses (démo)",
      category: "organisme_securite_sociale",
      postcode: "45000",
      city: "Orléans-Démo",
      department: "45",
      region: "Centre-Val de Loire",
    }),
  },
  {
    // Audited, surveys still to come: no label yet (its evaluation says what is missing). A candidate
    // whose audit the DITP funds: counted in « le label en chiffres » (/chiffres), never named there.
    state: "none",
    auditOnly: true,
    tier: "argent",
    awardedDaysAgo: 0,
    structure: base({
      code: "DEMO-ACCUEIL-01",
      name: "Point d'accueil de Démoville (fictif)",
      network: "Points d'accueil (démo)",
      category: "service_deconcentre_etat",
      postcode: "01000",
      city: "Démoville",
      department: "01",
      auditFunded: true,
    }),
  },
];

export const DEMO_CODES = DEMO.map((d) => d.structure.code);

/**
 * Each engagement's gap from the tier's audit score, so the results' chart has a shape: their mean is
 * about 0 and the lowest stays above every tier's minimum per engagement.
 */
const ENGAGEMENT_GAPS = [4, -3, 2, -6, 5, 0, -2, 1];

/** Scores the illustrative référentiel (2023-illustratif) places at each tier. */
const SCORES = {
  or: { audit: 88, users: 86, agents: 78 },
  argent: { audit: 76, users: 75, agents: 65 },
  bronze: { audit: 65, users: 64, agents: 55 },
};

const DAY_MS = 86_400_000;
const dayOf = (t) => new Date(t).toISOString().slice(0, 10);

/** The decision day of a demo label: `years` and `days` before `today` (UTC). */
function decisionDay(today, d) {
  const t = new Date(`${today}T00:00:00Z`);
  t.setUTCFullYear(t.getUTCFullYear() - (d.awardedYearsAgo ?? 0));
  return dayOf(t.getTime() - d.awardedDaysAgo * DAY_MS);
}
const before = (day, n) => dayOf(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS);

/**
 * Seeds the demo data into the Worker at `baseUrl`. Returns one line per structure: its code, the
 * state reached and, when something was refused, why.
 */
export async function seedDemo(baseUrl, adminToken, { today = dayOf(Date.now()) } = {}) {
  const admin = async (method, path, body) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body && JSON.stringify(body),
    });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (r.status >= 400 && r.status !== 404) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return { status: r.status, json };
  };
  const hook = new Webhook(DEMO_BODY.webhookSecret);
  const deliver = async (id, type, eventDay, data) => {
    // The body is fixed for a given day (its `timestamp` is the event's day): a copy of the same id is
    // answered as the first one was, and applies nothing twice.
    const body = JSON.stringify({ type, timestamp: `${eventDay}T12:00:00Z`, data });
    const now = new Date();
    const r = await fetch(`${baseUrl}/v1/webhooks/certifiers/${DEMO_BODY.id}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": hook.sign(id, now, body),
      },
      body,
    });
    const answer = await r.text();
    if (r.status !== 200) throw new Error(`${type} ${data.structureCode ?? data.labelNumber}: ${r.status} ${answer}`);
  };
  const awardedLabel = async (code) =>
    (await admin("GET", `/v1/structures/${code}/decisions`)).json.items.findLast((x) => x.decision === "award")
      ?.labelNumber ?? null;

  async function seedOne(d) {
    const s = d.structure;
    const found = await admin("GET", `/v1/structures/${s.code}`);
    if (found.status === 404) await admin("POST", "/v1/structures", s);
    else if (s.auditFunded && !found.json.auditFunded)
      await admin("PATCH", `/v1/structures/${s.code}`, { auditFunded: true });
    if (!d.tier) return { state: "none" };
    if (found.json?.certifier?.id !== DEMO_BODY.id) {
      await admin("PUT", `/v1/structures/${s.code}/certifier`, {
        certifierId: DEMO_BODY.id,
        contractRef: `MARCHE-${s.code}`,
      });
    }
    const on = decisionDay(today, d);
    const sc = SCORES[d.tier];
    const id = (step, day) => `demo_${s.code}_${step}_${day}`;
    const audit = async () => {
      const auditedOn = before(on, 15);
      await deliver(id("audit", auditedOn), "audit.completed", auditedOn, {
        structureCode: s.code,
        auditRef: `AUD-${s.code}-${auditedOn}`,
        kind: "initial",
        auditedOn,
        engagements: ENGAGEMENT_GAPS.map((gap, i) => ({ number: i + 1, score: sc.audit + gap })),
        criteria: [{ id: "E1-C1", result: "conforme", blocking: true }],
      });
    };

    if (d.auditOnly) {
      const evaluation = (await admin("GET", `/v1/structures/${s.code}/evaluation`)).json;
      if (evaluation.missing.some((m) => m.input === "audit")) await audit();
      return { state: "none", note: "audité, enquêtes attendues" };
    }

    let number = await awardedLabel(s.code);
    if (!number) {
      await audit();
      const usersEnd = before(on, 20);
      await deliver(id("users", usersEnd), "survey.users.completed", usersEnd, {
        structureCode: s.code,
        surveyRef: `ENQ-U-${s.code}-${usersEnd}`,
        periodStart: before(on, 45),
        periodEnd: usersEnd,
        invited: 1200,
        respondents: 410,
        satisfactionRate: sc.users,
        netSatisfaction: sc.users - 40,
      });
      const agentsEnd = before(on, 25);
      await deliver(id("agents", agentsEnd), "survey.agents.completed", agentsEnd, {
        structureCode: s.code,
        surveyRef: `ENQ-A-${s.code}-${agentsEnd}`,
        periodStart: before(on, 40),
        periodEnd: agentsEnd,
        population: 60,
        respondents: 44,
        score: sc.agents,
      });
      await deliver(id("decision", on), "label.decision", on, {
        structureCode: s.code,
        decision: "award",
        tier: d.tier,
        decidedOn: on,
      });
      number = await awardedLabel(s.code);
    }
    const { status } = (await admin("GET", `/v1/labels/${number}`)).json;
    const change = { suspended: "label.suspended", withdrawn: "label.withdrawn" }[d.state];
    if (change && (status === "valid" || (d.state === "withdrawn" && status === "suspended"))) {
      const effectiveOn = before(today, d.changedDaysAgo);
      await deliver(id(d.state, effectiveOn), change, effectiveOn, {
        labelNumber: number,
        reason: d.reason,
        effectiveOn,
      });
    }
    return { state: d.state, tier: d.tier, labelNumber: number };
  }

  const results = [];
  for (const d of DEMO) {
    try {
      results.push({ code: d.structure.code, ...(await seedOne(d)) });
    } catch (err) {
      results.push({ code: d.structure.code, state: "error", note: String(err?.message ?? err) });
    }
  }
  // The daily job, as the cron runs it at 03:00: the expired demo label gets its `expired` status and
  // event, and its expiry notice goes to the outbox (/dev/outbox).
  // Then the minute job, which `wrangler dev` never runs by itself: the transparency log hashes the demo's
  // events and signs its first checkpoint (examples/monitor.mjs then has a tree to check), and any effect
  // left pending is carried out.
  for (const schedule of ["0 3 * * *", "* * * * *"]) {
    const cron = await fetch(`${baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(schedule)}`);
    if (!cron.ok)
      results.push({ code: `(cron ${schedule})`, state: "error", note: `${cron.status} ${await cron.text()}` });
  }
  // What the public sees now (on a later day, a demo label may have moved on: it expires too).
  for (const r of results.filter((x) => x.state !== "error" && x.code.startsWith("DEMO-"))) {
    const seen = await fetch(`${baseUrl}/v1/public/labels/${r.code}`);
    if (seen.ok)
      Object.assign(r, (({ status, tier, labelNumber }) => ({ state: status, tier, labelNumber }))(await seen.json()));
  }
  return results;
}
