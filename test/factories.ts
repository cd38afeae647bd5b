/**
 * Test data, built one way: every row a test needs is written by the code that writes it in production.
 * - Structures, bodies and assignments go through the admin API (`call`: the route, its validation, the
 *   verb, and the answer checked against /openapi.json).
 * - Labels are awarded by `recordDecision` and changed by `changeLabelStatus` and the daily job's expiry
 *   step (src/services/, src/jobs/daily.ts), called directly so that the registry's « today » can be any
 *   day: the label, its decision, events, read model row, change intents, credential and notifications
 *   are the ones production writes, because production writes them.
 * - Audits and surveys use the statement builders of the webhook handlers (src/db/results.ts).
 * Two factories write what the verbs no longer can, with the same statement builders, and say so:
 * `makeLegacyLabel` (a label from before a later write rule, for backfill tests) and `makeLabelsInBulk`
 * (scale tests). Overrides are typed from the schema and the verbs' inputs. docs/contributing.md
 * « Test data » explains the defaults and when to use which.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { CertifierInput } from "../src/db/certifiers";
import { getDb } from "../src/db/client";
import {
  awardedLabelStatements,
  bumpLabelCounter,
  getLabel,
  getLabelWithVersion,
  guardedStatusChange,
  labelNumberFrom,
} from "../src/db/labels";
import { refreshPublicLabels } from "../src/db/public-model";
import { getActiveReferential } from "../src/db/referentials";
import { type AuditRow, insertAudit, insertSurvey, type SurveyRow } from "../src/db/results";
import { labels, structures, type Tier } from "../src/db/schema";
import { reindexStructures } from "../src/db/search";
import { type StructureInput, searchText } from "../src/db/structures";
import { addDays, anniversary, labelExpiresOn } from "../src/domain/label-dates";
import type { LabelAction } from "../src/domain/label-lifecycle";
import { parisDay } from "../src/domain/paris-time";
import { expireDue } from "../src/jobs/daily";
import { newId } from "../src/lib/crypto";
import { changeLabelStatus, statusChangeBatch } from "../src/services/change-label-status";
import type { Deps } from "../src/services/deps";
import { recordDecision } from "../src/services/record-decision";
import { call } from "./helpers";

export type LabelRow = typeof labels.$inferSelect;
type Structure = { code: string; name: string; certifier: { id: string; name: string } | null };
type Certifier = { id: string; name: string; contactEmail: string; apiKey: string; webhookSecret: string };

const db = () => getDb(env.DB);
/** The registry's today, as the verbs compute it (Europe/Paris). */
const today = () => parisDay(new Date());
const later = (a: string, b: string) => (a > b ? a : b);

/** Who awards and changes labels in the factories: the admin token, as `POST …/decisions` does. */
export const FACTORY_ACTOR = "admin:token";
/** The reason of the factories' status changes (privacy tests check it never shows in public). */
export const FACTORY_REASON = "Motif confidentiel de test";

/**
 * Runs a verb with the deps a route would give it, and waits for the work it left to `waitUntil` (the
 * effects it carries out in the background), so the test sees everything done.
 */
export async function withDeps<T>(fn: (deps: Deps) => Promise<T>, envOver: Partial<Env> = {}): Promise<T> {
  const pending: Promise<unknown>[] = [];
  const deps: Deps = { db: db(), env: { ...env, ...envOver } as Env, waitUntil: (work) => pending.push(work) };
  const result = await fn(deps);
  await Promise.all(pending);
  return result;
}

// ─── Identifiers ───────────────────────────────────────────────────────────────────────────────────────

let seq = 0;
/**
 * THE unique-id helper: `PREFIX-0001`, `PREFIX-0002`… — unique in the test file's database (storage is
 * isolated per file), readable in a failure message. Codes SP+, references, webhook message ids.
 */
export const uniqueId = (prefix: string) => `${prefix}-${String(++seq).padStart(4, "0")}`;

// ─── Request bodies (raw: a test may make them invalid on purpose) ──────────────────────────────────────

/** A valid `POST /v1/structures` body; `code` unique unless given. */
export function structurePayload(over: Record<string, unknown> = {}) {
  const code = uniqueId("TEST");
  return {
    code,
    name: `Structure de test ${code}`,
    network: "Préfectures",
    category: "service_deconcentre_etat",
    postcode: "13001",
    city: "Marseille",
    department: "13",
    contacts: [{ email: `qualite-${code.toLowerCase()}@test.example`, role: "Référent qualité" }],
    ...over,
  };
}

/** A valid `POST /v1/certifiers` body, habilitated 2024–2030. */
export function certifierPayload(over: Record<string, unknown> = {}) {
  return {
    name: "Organisme de test",
    contactEmail: "contact@oc.test.example",
    habilitation: { from: "2024-01-01", until: "2030-12-31" },
    ...over,
  };
}

/** A valid `audit.completed` webhook body (send it with `deliver`, test/webhooks-helpers.ts). */
export function auditEvent(structureCode: string, over: Record<string, unknown> = {}) {
  return {
    type: "audit.completed",
    timestamp: new Date().toISOString(),
    data: {
      structureCode,
      auditRef: uniqueId("AUD"),
      kind: "initial",
      auditedOn: "2026-03-12",
      referentialVersion: "2023",
      engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 70 + number })),
      criteria: [
        { id: "E1-C1", result: "conforme" },
        { id: "E4-C2", result: "non_conforme", blocking: true },
        { id: "E5-C1", result: "partiel", blocking: true },
      ],
      reportUrl: "https://oc.example/rapports/a.pdf",
      ...over,
    },
  };
}

// ─── Structures, bodies, assignments: through the admin API ─────────────────────────────────────────────

/** A certification body (`POST /v1/certifiers`), with its API key and webhook secret. */
export async function makeCertifier(over: Partial<CertifierInput> = {}): Promise<Certifier> {
  const r = await call("POST", "/v1/certifiers", { body: certifierPayload(over) });
  if (r.status !== 201) throw new Error(`makeCertifier: ${r.status} ${r.text}`);
  return r.json;
}

/** A structure (`POST /v1/structures`), with a unique code unless given. */
export async function makeStructure(over: Partial<StructureInput> = {}): Promise<Structure> {
  const r = await call("POST", "/v1/structures", { body: structurePayload(over) });
  if (r.status !== 201) throw new Error(`makeStructure: ${r.status} ${r.text}`);
  return r.json;
}

/** Assigns a body to a structure (`PUT /v1/structures/{code}/certifier`). */
export async function makeAssignment(structureCode: string, certifierId: string, contractRef = "MARCHE-TEST-1") {
  const r = await call("PUT", `/v1/structures/${structureCode}/certifier`, { body: { certifierId, contractRef } });
  if (r.status !== 200) throw new Error(`makeAssignment: ${r.status} ${r.text}`);
  return r.json as Structure;
}

/** A new body and a new structure assigned to it: what a signed delivery needs. */
export async function makeAssignedStructure(
  over: { structure?: Partial<StructureInput>; certifier?: Partial<CertifierInput> } = {},
) {
  const certifier = await makeCertifier(over.certifier);
  const { code } = await makeStructure(over.structure);
  await makeAssignment(code, certifier.id);
  return { code, certifier, secret: certifier.webhookSecret };
}

// ─── Audits and surveys: the webhook handlers' statement builders ───────────────────────────────────────

/**
 * The score every input gets for a tier: the illustrative référentiel (migrations/0002) proposes exactly
 * that tier for it. `argent` (75) is the default everywhere.
 */
export const SCORE_FOR: Record<Tier, number> = { bronze: 65, argent: 75, or: 85 };

/** An audit row as `audit.completed` stores it: every engagement at `score` (default 75), no blocking finding. */
export function auditRow(
  structureCode: string,
  certifierId: string,
  over: Partial<AuditRow> & { score?: number } = {},
): AuditRow {
  const { score = SCORE_FOR.argent, ...rest } = over;
  const id = newId("aud");
  return {
    id,
    structureCode,
    certifierId,
    auditRef: uniqueId("AUDIT"),
    kind: "initial",
    auditedOn: today(),
    engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score })),
    criteria: [],
    blockingNonConformities: 0,
    contentHash: id,
    ...rest,
  };
}

/**
 * A survey row as `survey.users.completed` / `survey.agents.completed` store it: the month ending
 * `periodEnd` (default today), usagers 200 of 1,000 invited, agents 50 of 100, both at `score` (default 75).
 */
export function surveyRow(
  structureCode: string,
  certifierId: string,
  kind: "usagers" | "agents",
  over: Partial<SurveyRow> & { score?: number } = {},
): SurveyRow {
  const { score = SCORE_FOR.argent, ...rest } = over;
  const periodEnd = rest.periodEnd ?? today();
  const id = newId("srv");
  return {
    id,
    structureCode,
    certifierId,
    surveyRef: uniqueId("SURVEY"),
    kind,
    periodStart: `${periodEnd.slice(0, 8)}01`,
    periodEnd,
    ...(kind === "usagers"
      ? { respondents: 200, invited: 1000, satisfactionRate: score }
      : { respondents: 50, population: 100, score }),
    contentHash: id,
    ...rest,
  };
}

/** Stores an audit (no inbox row: a test of the delivery itself sends it signed, test/webhooks-helpers.ts). */
export async function makeAudit(structureCode: string, certifierId: string, over: Parameters<typeof auditRow>[2] = {}) {
  const row = auditRow(structureCode, certifierId, over);
  await insertAudit(db(), row);
  return row;
}

/** Stores a survey (no inbox row, as `makeAudit`). */
export async function makeSurvey(
  structureCode: string,
  certifierId: string,
  kind: "usagers" | "agents",
  over: Parameters<typeof surveyRow>[3] = {},
) {
  const row = surveyRow(structureCode, certifierId, kind, over);
  await insertSurvey(db(), row);
  return row;
}

/** An audit and both surveys dated `on` (default today) that the illustrative référentiel rates `tier` (default argent). */
export async function makeInputs(structureCode: string, certifierId: string, o: { on?: string; tier?: Tier } = {}) {
  const on = o.on ?? today();
  const score = SCORE_FOR[o.tier ?? "argent"];
  await makeAudit(structureCode, certifierId, { auditedOn: on, score });
  await makeSurvey(structureCode, certifierId, "usagers", { periodEnd: on, score });
  await makeSurvey(structureCode, certifierId, "agents", { periodEnd: on, score });
}

// ─── Labels: the verbs ─────────────────────────────────────────────────────────────────────────────────

export type LabelOverrides = Partial<
  Pick<LabelRow, "structureCode" | "certifierId" | "tier" | "status" | "awardedOn" | "expiresOn">
> & {
  /** The day of the suspension or withdrawal; default the award day. */
  statusOn?: string;
};

/**
 * The day a label expiring on `expiresOn` was awarded, under `validityMonths` (the inverse of
 * `labelExpiresOn`); throws for a last day no award day leads to.
 */
function awardDayFor(expiresOn: string, validityMonths: number): string {
  const guess = anniversary(addDays(expiresOn, 1), -validityMonths);
  for (const d of [0, -1, -2, -3, 1]) {
    const day = addDays(guess, d);
    if (labelExpiresOn(day, validityMonths) === expiresOn) return day;
  }
  throw new Error(`No award day gives a label expiring on ${expiresOn} after ${validityMonths} months`);
}

/** The award and last days of a label from what the test gave (one of them, or neither). */
function termOf(over: LabelOverrides, validityMonths: number) {
  if (over.awardedOn) {
    const expiresOn = labelExpiresOn(over.awardedOn, validityMonths);
    if (over.expiresOn && over.expiresOn !== expiresOn) {
      throw new Error(
        `A label awarded on ${over.awardedOn} expires on ${expiresOn} (${validityMonths} months), not ${over.expiresOn}: give one of the two`,
      );
    }
    return { awardedOn: over.awardedOn, expiresOn };
  }
  // An expired label without dates: its last day was yesterday.
  const expiresOn = over.expiresOn ?? (over.status === "expired" ? addDays(today(), -1) : null);
  if (expiresOn) return { awardedOn: awardDayFor(expiresOn, validityMonths), expiresOn };
  return { awardedOn: today(), expiresOn: labelExpiresOn(today(), validityMonths) };
}

/** The structure to label (a new one unless given), with a body assigned (the given one, if none is). */
async function subjectOf(over: LabelOverrides) {
  const structureCode = over.structureCode ?? (await makeStructure()).code;
  const [row] = await db()
    .select({ certifierId: structures.certifierId })
    .from(structures)
    .where(eq(structures.code, structureCode));
  if (!row) throw new Error(`No structure ${structureCode}`);
  if (row.certifierId) return { structureCode, certifierId: over.certifierId ?? row.certifierId };
  const certifierId = over.certifierId ?? (await makeCertifier()).id;
  await makeAssignment(structureCode, certifierId);
  return { structureCode, certifierId };
}

/**
 * A label, as production makes it: on a structure (a new one, with a new body assigned, unless given;
 * a structure without a body gets `certifierId`'s), the evaluation inputs for `tier` dated on the award
 * day, then `recordDecision` (by the admin token, as `POST …/decisions`) — so a label on a structure that
 * already holds one renews it. Then the status: suspended or withdrawn by `changeLabelStatus` on
 * `statusOn`; expired by the daily job's expiry step, run for this label on the day after its last day.
 *
 * Defaults: tier `argent`; awarded today (so valid for the référentiel's 36 months whenever the tests
 * run), or on the day that makes `expiresOn` its last day; an expired label's last day is yesterday.
 * Dates may lie in the past or the future: each verb runs with the registry's today set to its own day
 * (never earlier than the real today). The number is the counter's `SPP-YYYY-NNNNNN` of the award year.
 */
export async function makeLabel(over: LabelOverrides = {}): Promise<LabelRow> {
  const { structureCode, certifierId } = await subjectOf(over);
  const { rules } = await getActiveReferential(db());
  const { awardedOn } = termOf(over, rules.validityMonths);
  const tier = over.tier ?? "argent";
  await makeInputs(structureCode, certifierId, { on: awardedOn, tier });
  const { label: awarded } = await withDeps((deps) =>
    recordDecision(
      deps,
      { structureCode, decision: "award", tier, decidedOn: awardedOn, today: later(awardedOn, today()) },
      FACTORY_ACTOR,
    ),
  );
  const label = awarded!; // an award always creates its label
  const status = over.status ?? "valid";
  if (status === "suspended" || status === "withdrawn") {
    const action = status === "suspended" ? "suspend" : "withdraw";
    return makeStatusChange(label.number, action, { on: over.statusOn ?? awardedOn });
  }
  if (status === "expired") return expire(label);
  return label;
}

/**
 * The daily job's expiry step, for this label alone, on the day after its last day: at 03:00 UTC as the
 * cron, or now if that is later (the label was created now: its expiry comes after its award).
 */
async function expire(label: LabelRow): Promise<LabelRow> {
  const day = addDays(label.expiresOn, 1);
  const nowIso = later(`${day}T03:00:00.000Z`, new Date().toISOString());
  const expired = await withDeps((deps) =>
    expireDue(deps, { today: day, nowIso, publicBaseUrl: env.PUBLIC_BASE_URL }, { only: [label.number] }),
  );
  if (expired.length !== 1) throw new Error(`Label ${label.number} did not expire (${label.status})`);
  return getLabel(db(), label.number);
}

/**
 * A status change by `changeLabelStatus` (by the admin token unless `actor` says otherwise), effective
 * `on` (default today; the registry's today is set to that day if it is later). With
 * `effects: "pending"`, only its batch lands (`statusChangeBatch`, the verb's own): the change, its event,
 * the read model and the intents of its effects, not carried out — as when the Worker stops right after
 * the batch, before the minute cron retries them (e.g. cached answers not purged yet).
 */
export async function makeStatusChange(
  number: string,
  action: LabelAction,
  o: { on?: string; actor?: string; reason?: string; effects?: "carried out" | "pending" } = {},
): Promise<LabelRow> {
  const on = o.on ?? today();
  const change = { reason: o.reason ?? FACTORY_REASON, actor: o.actor ?? FACTORY_ACTOR, effectiveOn: on };
  if (o.effects === "pending") {
    const d = db();
    const deps: Deps = { db: d, env, waitUntil: () => {} };
    const { statements } = statusChangeBatch(deps, await getLabelWithVersion(d, number), action, change, new Date());
    await d.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    return getLabel(d, number);
  }
  return withDeps((deps) => changeLabelStatus(deps, number, action, { ...change, today: later(on, today()) }));
}

// ─── What the verbs no longer write: the same statement builders ────────────────────────────────────────

/**
 * A label as the registry held it before a later write rule existed — for the tests of backfills (a
 * label without credential, migrations/0012). Built with the production statement builders: the year's
 * counter bumped, the label and its `awarded` event (`awardedLabelStatements`, as `recordDecision`),
 * the read model (`refreshPublicLabels`); suspended or withdrawn by `guardedStatusChange`, as
 * `changeLabelStatus`. What it does NOT write, on purpose: the decision and its evaluation inputs, the
 * change intents (credential, status lists, purge, notifications), hence no credential. Same defaults
 * as `makeLabel`; renews nothing (`supersedes` stays empty). Any other test uses `makeLabel`.
 */
export async function makeLegacyLabel(
  over: Omit<LabelOverrides, "status"> & { status?: "valid" | "suspended" | "withdrawn" } = {},
): Promise<LabelRow> {
  const { structureCode, certifierId } = await subjectOf(over);
  const { rules } = await getActiveReferential(db());
  const { awardedOn, expiresOn } = termOf(over, rules.validityMonths);
  const tier = over.tier ?? "argent";
  const d = db();
  const counter = `label:${awardedOn.slice(0, 4)}`;
  const label = { structureCode, certifierId, tier, awardedOn, expiresOn, originalAwardedOn: awardedOn };
  await d.batch([
    bumpLabelCounter(d, counter),
    ...awardedLabelStatements(
      d,
      { ...label, number: labelNumberFrom(counter), supersedes: null, decisionId: null },
      { id: newId("lev"), reason: `Décision d'attribution (${tier})`, actor: FACTORY_ACTOR },
    ),
    refreshPublicLabels(d, structureCode),
  ]);
  // The number the batch read from the counter (nothing else writes in between).
  const [{ number }] = (await d
    .select({ number: labels.number })
    .from(labels)
    .where(eq(labels.number, labelNumberFrom(counter)))) as [{ number: string }];
  if (over.status === "suspended" || over.status === "withdrawn") {
    const action = over.status === "suspended" ? "suspend" : "withdraw";
    const change = { action, reason: FACTORY_REASON, actor: FACTORY_ACTOR, nowIso: new Date().toISOString() } as const;
    await d.batch([
      ...(guardedStatusChange(d, number, "valid", { ...change, effectiveOn: over.statusOn ?? awardedOn }) as [
        BatchItem<"sqlite">,
      ]),
      refreshPublicLabels(d, structureCode),
    ]);
  }
  return getLabel(d, number);
}

/**
 * `count` valid labels on one structure, in one batch, for the scale tests (the daily job over 100,000
 * labels): the verbs would take hours. Each row as an award writes it — its number from the award year's
 * counter (bumped by `count`), its `awarded` event, the structure's read model refreshed — but without a
 * decision, inputs, change intents or credential, and with one liberty: every label is awarded on
 * `awardedOn` while their last days run from `expiresFrom` over `spreadDays` days (one a day, in turn),
 * so the expiry and the reminder windows all have labels to take.
 */
export async function makeLabelsInBulk(o: {
  structureCode: string;
  certifierId: string;
  count: number;
  awardedOn: string;
  expiresFrom: string;
  spreadDays?: number;
  tier?: Tier;
}): Promise<void> {
  const counter = `label:${o.awardedOn.slice(0, 4)}`;
  const base = `(SELECT coalesce((SELECT value FROM counters WHERE name = ?2), 0))`;
  await env.DB.batch([
    env.DB.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?1)
       INSERT INTO labels (number, structure_code, certifier_id, tier, status, awarded_on, expires_on, original_awarded_on)
       SELECT printf('SPP-%s-%06d', substr(?2, 7), ${base} + n), ?3, ?4, ?5, 'valid', ?6,
              date(?7, '+' || ((n - 1) % ?8) || ' days'), ?6
       FROM seq`,
    ).bind(
      o.count,
      counter,
      o.structureCode,
      o.certifierId,
      o.tier ?? "bronze",
      o.awardedOn,
      o.expiresFrom,
      o.spreadDays ?? 1,
    ),
    env.DB.prepare(
      `INSERT INTO label_events (id, label_number, type, from_status, to_status, reason, actor, effective_on, actor_role)
       SELECT 'lev_' || lower(hex(randomblob(10))), number, 'awarded', NULL, 'valid', 'Décision d''attribution (' || tier || ')', ?2, awarded_on, 'admin'
       FROM labels WHERE structure_code = ?1 AND NOT EXISTS (SELECT 1 FROM label_events e WHERE e.label_number = labels.number)`,
    ).bind(o.structureCode, FACTORY_ACTOR),
    env.DB.prepare(
      "INSERT INTO counters (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
    ).bind(counter, o.count),
  ]);
  const d = db();
  await refreshPublicLabels(d, o.structureCode);
}

/**
 * Structures by the thousand, for the search scale tests: each row with the statements `createStructure`
 * puts in its batch (the row, the read model, the search index — src/services/structures.ts), 8 a batch
 * (a statement binds at most 100 parameters), without the change intents (no answer was ever cached).
 */
export async function makeStructuresInBulk(inputs: readonly StructureInput[]): Promise<void> {
  const d = db();
  for (let i = 0; i < inputs.length; i += 8) {
    const chunk = inputs.slice(i, i + 8);
    const codes = chunk.map((s) => s.code);
    await d.batch([
      d.insert(structures).values(chunk.map((s) => ({ ...s, searchText: searchText(s) }))),
      refreshPublicLabels(d, codes),
      ...reindexStructures(d, chunk),
    ]);
  }
}
