/**
 * The registry's data model: the single source of truth for D1.
 * `npm run db:generate` turns changes here into a new SQL file under migrations/.
 *
 * Conventions: days are ISO `YYYY-MM-DD` text, instants are ISO 8601 text (UTC);
 * JSON columns hold data read as a whole (contacts, scores, rules, checks).
 * Nothing is deleted: audits, surveys, decisions, events and e-mails are appended.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CATEGORIES } from "../domain/identifiers";
import type { ReferentialRules } from "../domain/referential";
import type { Evaluation } from "../domain/tier-engine";
import type { PublicEvent, StoredResults } from "./public-results";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export type Contact = { email: string; name?: string; role?: string };

/** A public service as the programme knows it: a node in a hierarchy keyed on its Code SP+. */
export const structures = sqliteTable(
  "structures",
  {
    code: text("code").primaryKey(),
    name: text("name").notNull(),
    network: text("network").notNull(),
    typology: text("typology"),
    category: text("category", { enum: CATEGORIES }).notNull(),
    parentCode: text("parent_code"),
    siret: text("siret"),
    postcode: text("postcode").notNull(),
    city: text("city").notNull(),
    department: text("department").notNull(),
    region: text("region"),
    website: text("website"),
    contacts: text("contacts", { mode: "json" }).$type<Contact[]>().notNull(),
    /** The body currently assigned (history in `assignments`). */
    certifierId: text("certifier_id").references(() => certifiers.id),
    contractRef: text("contract_ref"),
    /**
     * `fold(name + " " + code)` (src/lib/text.ts): lower-case, accent-free. Its index ranks the
     * structures whose name starts with a search's `q` (src/db/search.ts); the words inside names,
     * towns, networks and typologies are found by the full-text index `structures_search`.
     */
    searchText: text("search_text").notNull(),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
    /**
     * The version of the structure's label state (its labels, their statuses, its assigned body): every
     * write that changes it compares the version it read and bumps it in its own batch, and fails whole
     * when another write landed first (src/db/label-version.ts, docs/adr/0007-label-versions.md).
     */
    labelVersion: integer("label_version").notNull().default(0),
    /**
     * The DITP funds this candidate's audit (set by an administrator). Counted in the public figures; shown
     * per structure only if the publication policy says so (src/domain/publication.ts). Migration 0021.
     */
    auditFunded: integer("audit_funded", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    // Code SP+ are unique regardless of case: public references are matched without regard to case,
    // so `demo-pref-01` and `DEMO-PREF-01` must not name two structures.
    uniqueIndex("structures_code_nocase").on(sql`${t.code} collate nocase`),
    index("structures_network_code").on(t.network, t.code),
    index("structures_department_code").on(t.department, t.code),
    index("structures_category_code").on(t.category, t.code),
    index("structures_parent").on(t.parentCode),
    index("structures_name").on(t.name),
    index("structures_search_text").on(t.searchText, t.code),
    index("structures_certifier").on(t.certifierId),
  ],
);

/** An independent certification body (« organisme de certification »). */
export const certifiers = sqliteTable("certifiers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  siret: text("siret"),
  contactEmail: text("contact_email").notNull(),
  habilitationFrom: text("habilitation_from").notNull(),
  habilitationUntil: text("habilitation_until").notNull(),
  /** `active`, or `suspended` / `revoked` by the commission nationale. */
  habilitationStatus: text("habilitation_status", { enum: ["active", "suspended", "revoked"] })
    .notNull()
    .default("active"),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
});

/**
 * Webhook signing secrets. Kept in clear because HMAC verification needs the key itself;
 * a rotated secret gets `expiresAt` = rotation + grace period.
 */
export const webhookSecrets = sqliteTable(
  "webhook_secrets",
  {
    id: text("id").primaryKey(),
    certifierId: text("certifier_id")
      .notNull()
      .references(() => certifiers.id),
    secret: text("secret").notNull(),
    createdAt: text("created_at").notNull().default(now),
    expiresAt: text("expires_at"),
  },
  (t) => [index("webhook_secrets_certifier").on(t.certifierId, t.createdAt)],
);

/** API keys: only the SHA-256 of the key is stored; the key is shown once. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull(),
    /** First characters of the key, to recognise it in listings. */
    prefix: text("prefix").notNull(),
    role: text("role", { enum: ["admin", "certifier"] }).notNull(),
    certifierId: text("certifier_id").references(() => certifiers.id),
    name: text("name"),
    createdAt: text("created_at").notNull().default(now),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.hash), index("api_keys_certifier").on(t.certifierId)],
);

/** Append-only history of which body audits which structure, under which contract. */
export const assignments = sqliteTable(
  "assignments",
  {
    id: text("id").primaryKey(),
    structureCode: text("structure_code")
      .notNull()
      .references(() => structures.code),
    certifierId: text("certifier_id")
      .notNull()
      .references(() => certifiers.id),
    contractRef: text("contract_ref").notNull(),
    assignedAt: text("assigned_at").notNull().default(now),
    actor: text("actor").notNull(),
  },
  (t) => [index("assignments_structure").on(t.structureCode, t.assignedAt)],
);

export const TIERS = ["bronze", "argent", "or"] as const;
export type Tier = (typeof TIERS)[number];
export const LABEL_STATUSES = ["valid", "suspended", "withdrawn", "expired"] as const;
export type LabelStatus = (typeof LABEL_STATUSES)[number];

/**
 * A label awarded by a decision. `awardedOn` is the decision date (not the audit date);
 * `supersedes` links a renewal to the label it replaces.
 */
export const labels = sqliteTable(
  "labels",
  {
    number: text("number").primaryKey(),
    structureCode: text("structure_code")
      .notNull()
      .references(() => structures.code),
    certifierId: text("certifier_id")
      .notNull()
      .references(() => certifiers.id),
    tier: text("tier", { enum: TIERS }).notNull(),
    status: text("status", { enum: LABEL_STATUSES }).notNull(),
    awardedOn: text("awarded_on").notNull(),
    expiresOn: text("expires_on").notNull(),
    /** Date of the first label of the renewal chain (IAF's « original issue date »). */
    originalAwardedOn: text("original_awarded_on").notNull(),
    supersedes: text("supersedes"),
    supersededBy: text("superseded_by"),
    decisionId: text("decision_id"),
    statusChangedAt: text("status_changed_at").notNull().default(now),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    index("labels_structure").on(t.structureCode, t.awardedOn),
    index("labels_status_expires").on(t.status, t.expiresOn),
    index("labels_tier_number").on(t.tier, t.number),
    // The daily job's catch-up of labels created since its last run (imports, late awards).
    index("labels_created").on(t.createdAt),
    // Two concurrent renewals cannot both supersede the same label: the second batch fails whole.
    uniqueIndex("labels_supersedes").on(t.supersedes).where(sql`supersedes IS NOT NULL`),
    uniqueIndex("labels_decision").on(t.decisionId),
  ],
);

/** Every change of a label's status, with who did it and why. Append-only. */
export const labelEvents = sqliteTable(
  "label_events",
  {
    id: text("id").primaryKey(),
    labelNumber: text("label_number")
      .notNull()
      .references(() => labels.number),
    type: text("type", {
      enum: ["awarded", "suspended", "reinstated", "withdrawn", "expired", "superseded"],
    }).notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    reason: text("reason"),
    /** `admin:<keyId|token>`, `certifier:<id>` or `system:cron`. */
    actor: text("actor").notNull(),
    effectiveOn: text("effective_on").notNull(),
    createdAt: text("created_at").notNull().default(now),
    /**
     * The role that made the change: who may undo it depends on it (a body lifts only its own
     * suspensions). Last, as in the table (added by migration 0007): insert-selects list columns in order.
     */
    actorRole: text("actor_role", { enum: ["admin", "certifier", "system"] }).notNull(),
  },
  (t) => [index("label_events_label").on(t.labelNumber, t.createdAt)],
);

export const WEBHOOK_EVENT_STATUSES = ["received", "applied", "duplicate", "rejected"] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/**
 * The webhook inbox: every authenticated delivery, stored raw before it is applied.
 * `(certifierId, webhookId)` is unique, so a redelivery finds the first answer instead of re-applying.
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    certifierId: text("certifier_id")
      .notNull()
      .references(() => certifiers.id),
    webhookId: text("webhook_id").notNull(),
    type: text("type").notNull(),
    /**
     * `received` (stored, being applied), `applied`, `duplicate` (an audit or survey already stored
     * with the same ref and content: nothing applied) or `rejected` (replayable).
     */
    status: text("status", { enum: WEBHOOK_EVENT_STATUSES }).notNull(),
    /**
     * The body as received. Once `rejected`, only its first `INBOX_EXCERPT_BYTES` are kept
     * (`payloadTruncated`): a refused body costs bounded storage, whatever was sent.
     */
    payload: text("payload").notNull(),
    /** SHA-256 (hex) and size in bytes of the whole body; NULL on rows stored before they existed. */
    payloadSha256: text("payload_sha256"),
    payloadSize: integer("payload_size"),
    payloadTruncated: integer("payload_truncated", { mode: "boolean" }).notNull().default(false),
    /** The HTTP status and body answered to the first delivery, answered again to copies. */
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    error: text("error"),
    deliveries: integer("deliveries").notNull().default(1),
    receivedAt: text("received_at").notNull().default(now),
    appliedAt: text("applied_at"),
    /** Who last replayed it (`admin:…`, `certifier:…`) and when: a replay is someone's act. */
    replayedBy: text("replayed_by"),
    replayedAt: text("replayed_at"),
    /**
     * The claim of the copy applying it (set when stored, taken over, or replayed): every update of the row
     * checks it, so a copy that lost its claim changes nothing. Another copy may take over only once
     * `claimedAt` (or `receivedAt`, on rows stored before claims) is older than the takeover delay.
     */
    claimToken: text("claim_token"),
    claimedAt: text("claimed_at"),
  },
  (t) => [
    uniqueIndex("webhook_events_delivery").on(t.certifierId, t.webhookId),
    index("webhook_events_status").on(t.status, t.receivedAt),
    index("webhook_events_received").on(t.receivedAt),
  ],
);

export type EngagementScore = { number: number; score: number };
export type CriterionResult = {
  id: string;
  result: "conforme" | "partiel" | "non_conforme" | "na";
  blocking?: boolean;
};

/** External audits, appended; `(certifierId, auditRef)` identifies one. */
export const audits = sqliteTable(
  "audits",
  {
    id: text("id").primaryKey(),
    structureCode: text("structure_code")
      .notNull()
      .references(() => structures.code),
    certifierId: text("certifier_id")
      .notNull()
      .references(() => certifiers.id),
    auditRef: text("audit_ref").notNull(),
    kind: text("kind", { enum: ["initial", "suivi", "renouvellement"] }).notNull(),
    auditedOn: text("audited_on").notNull(),
    referentialVersion: text("referential_version"),
    engagements: text("engagements", { mode: "json" }).$type<EngagementScore[]>().notNull(),
    criteria: text("criteria", { mode: "json" }).$type<CriterionResult[]>().notNull(),
    /** Non-conformities flagged blocking, counted once at ingestion. */
    blockingNonConformities: integer("blocking_non_conformities").notNull(),
    reportUrl: text("report_url"),
    /** SHA-256 of the event's data, to tell a redelivery from a conflicting resend. */
    contentHash: text("content_hash").notNull(),
    webhookEventId: text("webhook_event_id").references(() => webhookEvents.id),
    receivedAt: text("received_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("audits_ref").on(t.certifierId, t.auditRef),
    index("audits_structure").on(t.structureCode, t.auditedOn),
    // The inbox retention keeps the deliveries referenced here (src/jobs/retention.ts).
    index("audits_webhook_event").on(t.webhookEventId),
  ],
);

/** Survey aggregates (enquête usagers / agents), appended; counts kept next to rates. */
export const surveys = sqliteTable(
  "surveys",
  {
    id: text("id").primaryKey(),
    structureCode: text("structure_code")
      .notNull()
      .references(() => structures.code),
    certifierId: text("certifier_id")
      .notNull()
      .references(() => certifiers.id),
    surveyRef: text("survey_ref").notNull(),
    kind: text("kind", { enum: ["usagers", "agents"] }).notNull(),
    periodStart: text("period_start").notNull(),
    periodEnd: text("period_end").notNull(),
    /** usagers: people invited (optional); agents: population surveyed. */
    invited: integer("invited"),
    population: integer("population"),
    respondents: integer("respondents").notNull(),
    /** usagers: satisfaction rate 0–100. */
    satisfactionRate: real("satisfaction_rate"),
    /** usagers: net satisfaction −100–100. */
    netSatisfaction: real("net_satisfaction"),
    /** agents: score 0–100. */
    score: real("score"),
    contentHash: text("content_hash").notNull(),
    webhookEventId: text("webhook_event_id").references(() => webhookEvents.id),
    receivedAt: text("received_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("surveys_ref").on(t.certifierId, t.surveyRef),
    index("surveys_structure").on(t.structureCode, t.kind, t.periodEnd),
    index("surveys_webhook_event").on(t.webhookEventId),
  ],
);

/**
 * Référentiel versions (rules validated by `ReferentialRulesSchema` in src/domain/referential.ts).
 * A version is editable until a decision uses it (`usedAt`), immutable after; exactly one is active.
 */
export const referentials = sqliteTable(
  "referentials",
  {
    version: text("version").primaryKey(),
    description: text("description").notNull(),
    official: integer("official", { mode: "boolean" }).notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(false),
    rules: text("rules", { mode: "json" }).$type<ReferentialRules>().notNull(),
    /** Set by the first decision taken under this version; from then on the version is immutable. */
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
    /**
     * Bumped by every edit of the rules; the award that freezes the version compares the revision it
     * evaluated with, so a version is never frozen with rules its first label does not follow.
     */
    revision: integer("revision").notNull().default(0),
  },
  (t) => [uniqueIndex("referentials_one_active").on(t.active).where(sql`active = 1`)],
);

/**
 * Decisions of a certification body (or of an admin on its behalf), append-only. The evaluation
 * the decision was taken on is kept whole, so a tier different from the proposal stays explainable.
 */
export const decisions = sqliteTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    structureCode: text("structure_code")
      .notNull()
      .references(() => structures.code),
    certifierId: text("certifier_id")
      .notNull()
      .references(() => certifiers.id),
    decision: text("decision", { enum: ["award", "refuse"] }).notNull(),
    tier: text("tier", { enum: TIERS }),
    proposedTier: text("proposed_tier", { enum: TIERS }),
    referentialVersion: text("referential_version")
      .notNull()
      .references(() => referentials.version),
    evaluation: text("evaluation", { mode: "json" }).$type<Evaluation>().notNull(),
    justification: text("justification"),
    decidedOn: text("decided_on").notNull(),
    actor: text("actor").notNull(),
    source: text("source", { enum: ["admin", "webhook"] }).notNull(),
    webhookEventId: text("webhook_event_id").references(() => webhookEvents.id),
    labelNumber: text("label_number"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    index("decisions_structure").on(t.structureCode, t.decidedOn),
    index("decisions_webhook_event").on(t.webhookEventId),
  ],
);

/** Named counters incremented inside a batch (label numbers per year: `label:2026`). */
export const counters = sqliteTable("counters", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

export const OUTBOX_STATUSES = ["pending", "sending", "sent", "failed", "skipped"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * The e-mail outbox: every e-mail is stored here, fully rendered, in the same `batch()` as the reason
 * it exists, then delivered by the frequent cron. `(labelNumber, kind)` is unique, so a reminder or an
 * expiry notice exists at most once per label whatever runs overlap (INSERT … ON CONFLICT DO NOTHING).
 * `skipped` rows record reminders superseded by a more urgent one after downtime: they never go out.
 * Instants (`nextAttemptAt`, `createdAt`…) follow the job's clock (`scheduledTime`), so replays are coherent.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    /** `reminder-180`, `reminder-90`… (days before the end) or `expiry`. */
    kind: text("kind").notNull(),
    labelNumber: text("label_number").references(() => labels.number),
    recipients: text("recipients", { mode: "json" }).$type<string[]>().notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When a `pending` row may be tried (again). */
    nextAttemptAt: text("next_attempt_at"),
    /** A `sending` row belongs to the delivery run holding this token until `lockedUntil`. */
    claimToken: text("claim_token"),
    lockedUntil: text("locked_until"),
    lastError: text("last_error"),
    /** The transport's message id once sent. */
    providerId: text("provider_id"),
    transport: text("transport"),
    sentAt: text("sent_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("outbox_label_kind").on(t.labelNumber, t.kind),
    index("outbox_status_due").on(t.status, t.nextAttemptAt),
    index("outbox_status_created").on(t.status, t.createdAt, t.id),
    index("outbox_created").on(t.createdAt, t.id),
  ],
);

/**
 * The public read model: ONE row per structure with exactly what the public answers show (verify
 * JSON, badge, shields, page, open-data listing), so a lookup reads one row and a listing page
 * reads about its own size. Derived data, never written on its own: `refreshPublicLabels`
 * (src/db/public-model.ts) recomputes a structure's row in the same `batch()` as every write that
 * changes what it shows. Label columns are NULL when the structure has no label; the label is the
 * current one (latest not superseded), so `supersededBy` is NULL here.
 */
export const publicLabels = sqliteTable(
  "public_labels",
  {
    code: text("code")
      .primaryKey()
      .references(() => structures.code),
    name: text("name").notNull(),
    network: text("network").notNull(),
    city: text("city").notNull(),
    department: text("department").notNull(),
    searchText: text("search_text").notNull(),
    labelNumber: text("label_number"),
    tier: text("tier", { enum: TIERS }),
    /** The stored status: the public one also depends on today (see `publicStatus`). */
    status: text("status", { enum: LABEL_STATUSES }),
    awardedOn: text("awarded_on"),
    expiresOn: text("expires_on"),
    supersededBy: text("superseded_by"),
    /** The awarding body: a rename updates its rows through this column. */
    certifierId: text("certifier_id"),
    certifierName: text("certifier_name"),
    // Migration 0021 (last, in this order: the refresh is an insert-select listing columns in order).
    region: text("region"),
    /**
     * The survey and audit behind the current label, as the decision used them (`StoredResults`,
     * src/db/public-results.ts); what of it is published is the publication policy's call, at render.
     */
    results: text("results", { mode: "json" }).$type<StoredResults>(),
    /** The agents' score behind the current label: feeds the national aggregate only, never read per structure. */
    agentsScore: real("agents_score"),
    /** Assigned to a body and not labelled yet: a candidate (figures). */
    candidate: integer("candidate", { mode: "boolean" }).notNull().default(false),
    /** `structures.audit_funded`, for the figures (per structure only if the policy says so). */
    auditFunded: integer("audit_funded", { mode: "boolean" }).notNull().default(false),
    /**
     * The structure's public history, newest first (`PublicEvent[]`, `historyOf` in src/db/public-results.ts;
     * migration 0026): the verification page reads one row. `[]` for a structure without labels.
     */
    history: text("history", { mode: "json" }).$type<PublicEvent[]>().notNull().default(sql`'[]'`),
  },
  (t) => [
    uniqueIndex("public_labels_number").on(t.labelNumber),
    // A public reference by Code SP+ is matched without regard to case (`code = ? collate nocase`).
    uniqueIndex("public_labels_code_nocase").on(sql`${t.code} collate nocase`),
    // The listing walks one of these in code order (its keyset), cut by LIMIT.
    index("public_labels_labelled_code").on(t.code).where(sql`label_number IS NOT NULL`),
    index("public_labels_tier_code").on(t.tier, t.code),
    index("public_labels_network_code").on(t.network, t.code),
    index("public_labels_department_code").on(t.department, t.code),
    index("public_labels_status_code").on(t.status, t.code),
    // `status=expired` also lists valid/suspended labels past their end: a range on this index.
    index("public_labels_status_expires").on(t.status, t.expiresOn),
    index("public_labels_certifier").on(t.certifierId),
  ],
);

/**
 * « Le label en chiffres »: counters per (dimension, key), maintained by SQLite triggers on `public_labels`
 * and `labels` (migrations/0021_results_and_figures.sql, generated from src/db/figures.ts), so they change
 * in the very statement that changes a read-model row. `valueSum / valueN` is an average (users'
 * satisfaction, agents' score). Rows are never deleted: a key back to 0 stays at 0.
 */
export const publicFigures = sqliteTable(
  "public_figures",
  {
    dim: text("dim").notNull(),
    key: text("key").notNull(),
    n: integer("n").notNull().default(0),
    valueSum: real("value_sum").notNull().default(0),
    valueN: integer("value_n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.dim, t.key] })],
);

export const EFFECT_KINDS = ["purge", "credential", "status-list", "last-known", "notify"] as const;
export type EffectKind = (typeof EFFECT_KINDS)[number];
export const EFFECT_STATUSES = ["pending", "running", "done"] as const;

/**
 * What must follow a change of a public answer, stored in the SAME batch as the change and carried out
 * after it (src/changes/): purging the cached answers of a structure or a label everywhere (`purge`,
 * subject: the Cache-Tag, `spp-code-<Code SP+>` or `spp-label-<number>`), signing the credentials of a
 * structure's labels (`credential`, subject: the Code SP+) and re-signing a status list (`status-list`,
 * subject: `<purpose>/<list>`; src/changes/credentials.ts, src/changes/status-lists.ts), and handing the
 * pending deliveries of notifications to the queue (`notify`, one subject: src/notifications/). A row is
 * `pending` until a run claims it (`running`, leased until `nextAttemptAt`: past it, another run may take it over), then
 * `done`; a failure puts it back to `pending` at `nextAttemptAt`. At most one row per (kind, subject) is
 * pending: a change while one waits adds nothing, a change while one runs adds a new one, so no change
 * is ever covered only by an attempt that started before it.
 */
export const effects = sqliteTable(
  "effects",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: EFFECT_KINDS }).notNull(),
    subject: text("subject").notNull(),
    status: text("status", { enum: EFFECT_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When a pending row may be tried (again); for a running row, when its lease ends. */
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    doneAt: text("done_at"),
    /** The run holding a `running` row: it records the outcome only while it still holds it. */
    claimToken: text("claim_token"),
  },
  (t) => [
    uniqueIndex("effects_pending").on(t.kind, t.subject).where(sql`status = 'pending'`),
    index("effects_due").on(t.status, t.nextAttemptAt),
    index("effects_done").on(t.doneAt).where(sql`done_at is not null`),
  ],
);

/**
 * `message`: the one list a credential names now (two bits per label: valid, suspended, withdrawn).
 * `revocation` and `suspension`: the lists of credentials handed out before it, still kept current.
 */
export const STATUS_PURPOSES = ["message", "revocation", "suspension"] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/**
 * Each label's place in the W3C Bitstring status lists: the list (the year of its number) and an index
 * drawn at random among the free ones, the same in the `revocation` and the `suspension` list. Assigned
 * once, before its credential is first signed, and never changed: a holder's copy points at it.
 */
export const statusEntries = sqliteTable(
  "status_entries",
  {
    labelNumber: text("label_number")
      .primaryKey()
      .references(() => labels.number),
    list: text("list").notNull(),
    index: integer("idx").notNull(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("status_entries_list_index").on(t.list, t.index)],
);

/**
 * The signed Open Badges 3.0 credential of each label (src/credentials/), as served: signed again only
 * when what it says changes (`contentHash`, over the unsigned credential) or its key is no longer published.
 */
export const credentials = sqliteTable("credentials", {
  labelNumber: text("label_number")
    .primaryKey()
    .references(() => labels.number),
  document: text("document").notNull(),
  contentHash: text("content_hash").notNull(),
  verificationMethod: text("verification_method").notNull(),
  signedAt: text("signed_at").notNull(),
  /** Bumped by every save; a save lands only if the generation it read is still current (ADR 0008). */
  generation: integer("generation").notNull().default(1),
});

/**
 * The signed `BitstringStatusListCredential` of each (purpose, list), as served: signed again when a bit
 * changes (`bitsHash`, over the set bits) or its key is no longer published.
 */
export const statusLists = sqliteTable(
  "status_lists",
  {
    purpose: text("purpose", { enum: STATUS_PURPOSES }).notNull(),
    list: text("list").notNull(),
    document: text("document").notNull(),
    bitsHash: text("bits_hash").notNull(),
    verificationMethod: text("verification_method").notNull(),
    signedAt: text("signed_at").notNull(),
    /** Bumped by every save; a save lands only if the generation it read is still current (ADR 0008). */
    generation: integer("generation").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.purpose, t.list] })],
);

export const SUBSCRIPTION_STATUSES = ["active", "disabled"] as const;
export const WATCH_KINDS = ["structure", "network", "department", "all"] as const;

/**
 * Subscribers to label events (a ministry's portal, a procurement platform, a network head): where to
 * POST signed notifications, what they watch (one structure, a network, a department, everything) and
 * whom to tell when their endpoint keeps failing. @see src/notifications/
 */
export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    contactEmail: text("contact_email").notNull(),
    url: text("url").notNull(),
    /** `all` (value NULL), or the Code SP+, network or department watched. */
    watchKind: text("watch_kind", { enum: WATCH_KINDS }).notNull(),
    watchValue: text("watch_value"),
    status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull(),
    /** Why it was disabled (by an admin, or automatically after 3 days of failures). */
    disabledReason: text("disabled_reason"),
    disabledAt: text("disabled_at"),
    /** Start of the current run of failed deliveries; NULL after any success. */
    failingSince: text("failing_since"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("subscriptions_watch").on(t.status, t.watchKind, t.watchValue)],
);

/** A subscription's signing secrets, rotated like a body's (src/db/signing-secrets.ts). */
export const subscriptionSecrets = sqliteTable(
  "subscription_secrets",
  {
    id: text("id").primaryKey(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => subscriptions.id),
    secret: text("secret").notNull(),
    createdAt: text("created_at").notNull().default(now),
    expiresAt: text("expires_at"),
  },
  (t) => [index("subscription_secrets_subscription").on(t.subscriptionId, t.createdAt)],
);

export const NOTIFICATION_TYPES = [
  "label.awarded",
  "label.renewed",
  "label.suspended",
  "label.reinstated",
  "label.withdrawn",
  "label.expired",
  "label.expiring",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * One event about a label, rendered once (its signed body, `payload`) in the batch of the change it
 * tells, when at least one subscription is active. Its id is the Standard Webhooks `webhook-id` sent
 * to every subscriber, the same on every retry. Where the structure was then (code, network,
 * department) decides who receives it.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: NOTIFICATION_TYPES }).notNull(),
    labelNumber: text("label_number").notNull(),
    structureCode: text("structure_code").notNull(),
    network: text("network").notNull(),
    department: text("department").notNull(),
    payload: text("payload").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("notifications_created").on(t.createdAt)],
);

export const DELIVERY_STATUSES = ["pending", "queued", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One notification for one subscription: written `pending` in the batch of the change, `queued` once
 * handed to the queue, then `delivered`, or `failed` when its 3 days of retries ran out, the
 * subscription was disabled, or the dead-letter queue got it. An admin may deliver it again.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => subscriptions.id),
    notificationId: text("notification_id")
      .notNull()
      .references(() => notifications.id),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** The HTTP status of the last attempt (NULL: no answer: timeout, refused, unreachable). */
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    /** At most the first 1 KiB of the last answer's body. */
    lastResponse: text("last_response"),
    nextAttemptAt: text("next_attempt_at"),
    /** Retries stop after this instant (3 days after it was first, or again, queued). */
    retryUntil: text("retry_until").notNull(),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [
    uniqueIndex("deliveries_once").on(t.subscriptionId, t.notificationId),
    index("deliveries_subscription").on(t.subscriptionId, t.createdAt, t.id),
    index("deliveries_status").on(t.status, t.subscriptionId),
    // The retention step finds finished deliveries by age (src/jobs/retention.ts).
    index("deliveries_status_created").on(t.status, t.createdAt),
    // Foreign-key checks when a notification row is written look its deliveries up by this column.
    index("deliveries_notification").on(t.notificationId),
  ],
);

/**
 * Who may open the back-office (/admin) once Cloudflare Access has said who they are: the e-mail of the
 * Access token → a role, administered in the back-office itself. `admin` (DITP, commission nationale),
 * or `certifier`, a member of one body (`certifierId`), who reads only that body's structures and
 * deliveries. A person who leaves is disabled (`disabledAt`), never deleted: their acts keep their name.
 */
export const backofficeUsers = sqliteTable(
  "backoffice_users",
  {
    /** Lower-cased: Access hands over the address as the identity provider spells it. */
    email: text("email").primaryKey(),
    role: text("role", { enum: ["admin", "certifier"] }).notNull(),
    certifierId: text("certifier_id").references(() => certifiers.id),
    createdAt: text("created_at").notNull().default(now),
    /** The actor who added (or last changed) the row: `admin:<email>`, or `operator` for the first admin. */
    createdBy: text("created_by").notNull(),
    updatedAt: text("updated_at").notNull().default(now),
    updatedBy: text("updated_by").notNull(),
    disabledAt: text("disabled_at"),
  },
  (t) => [
    index("backoffice_users_certifier").on(t.certifierId),
    // A member belongs to exactly one body; an admin to none.
    check("backoffice_users_role_body", sql`(${t.role} = 'admin') = (${t.certifierId} IS NULL)`),
  ],
);

/**
 * `Idempotency-Key`s of the admin API's POSTs and the back-office's forms (src/lib/idempotency.ts): the
 * claim of a key by a caller, then the answer it got. Kept a day, then deleted by the daily job.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** SHA-256 of the caller's credential (API key, admin token, back-office session): keys are per caller. */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    fingerprint: text("fingerprint").notNull(),
    /** The answer once the request succeeded; null while it runs. */
    status: integer("status"),
    headers: text("headers"),
    body: text("body"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_created").on(t.createdAt)],
);

/**
 * The transparency log (src/tlog/, docs/adr/0012-transparency-log.md). Leaves are appended by triggers on
 * `label_events` and `structures` (migration 0025), inside the batch that writes the event: the leaf
 * index is the commit order. `data` is the leaf's canonical bytes (src/tlog/entry.ts).
 */
export const logLeaves = sqliteTable(
  "log_leaves",
  {
    idx: integer("idx").primaryKey(),
    data: text("data").notNull(),
    /** The label event this leaf records (null for a structure's registration). */
    labelEventId: text("label_event_id"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("log_leaves_event").on(t.labelEventId)],
);

/** Every complete subtree's hash (hex): level 0 are the leaf hashes. Written by the log job after commit. */
export const logNodes = sqliteTable(
  "log_nodes",
  {
    level: integer("level").notNull(),
    idx: integer("idx").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.idx] })],
);

/** Signed tree heads (C2SP tlog-checkpoint notes), one per tree size signed. */
export const logCheckpoints = sqliteTable("log_checkpoints", {
  size: integer("size").primaryKey(),
  root: text("root").notNull(),
  note: text("note").notNull(),
  createdAt: text("created_at").notNull().default(now),
});
