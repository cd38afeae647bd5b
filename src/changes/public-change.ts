/**
 * « This structure's public answer changed »: the one name for everything that must follow a change of
 * what the public sees (a label awarded, renewed, suspended, reinstated or withdrawn; a structure
 * registered or renamed; a body renamed). The write that makes the change puts the statements below
 * in ITS OWN batch, so the intents of the effects land with the change or not at all; `afterChange`
 * (src/changes/effects.ts) carries them out right after, and the minute cron retries what failed.
 *
 * The effects, today: sign again the credentials and status lists whose content changed (ADR 0006),
 * purge the structure's and the labels' cached public answers, here (Cache API) and in every data centre
 * (Cloudflare's purge by Cache-Tag), keep its last known answer where a D1 outage can't reach it (Workers KV,
 * docs/adr/0010), and notify the subscriptions watching. Expiry needs no purge: public answers derive
 * « expiré » from the date and are never cached past midnight (docs/adr/0004-effects-of-a-label-change.md).
 * @see docs/adr/0004-effects-of-a-label-change.md
 */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { type EffectKind, effects, publicLabels, STATUS_PURPOSES, statusEntries } from "../db/schema";
import { newId } from "../lib/crypto";
import { type LabelEventSource, notificationStatements } from "../notifications/produce";

export type PublicChange = {
  /** The structure whose answers changed (its Code SP+ as the registry holds it). */
  structureCode: string;
  /** Labels whose own answer (by label number) changed: the current one, and a renewed one. */
  labelNumbers?: readonly string[];
  /** The label events the change wrote, told to the subscriptions watching (src/notifications/). */
  notify?: LabelEventSource;
};

/** An effect to carry out: its kind and its subject (for a purge, the Cache-Tag). */
export type Intent = { kind: EffectKind; subject: string };

/** Hand the pending deliveries of notifications to the queue (one subject: they are taken all together). */
export const NOTIFY_INTENT: Intent = { kind: "notify", subject: "deliveries" };

/** Store the structure's last known public answer, which purges don't erase (src/changes/last-known.ts, ADR 0010). */
export const lastKnownIntent = (structureCode: string): Intent => ({ kind: "last-known", subject: structureCode });
/** The `last-known` subject of a status list is `status/<purpose>/<list>` (a Code SP+ never holds a `/`). */
export const STATUS_LIST_PREFIX = "status/";
export const lastKnownListIntent = (purpose: string, list: string): Intent => ({
  kind: "last-known",
  subject: `${STATUS_LIST_PREFIX}${purpose}/${list}`,
});
/** Cache-Tag of « le label en chiffres » (/chiffres and its JSON and CSV): every public change may move a figure. */
export const FIGURES_TAG = "spp-figures";
/** The canonical paths `FIGURES_TAG` stands for (src/routes/figures.tsx). */
export const FIGURES_PATHS = ["/chiffres", "/chiffres.json", "/chiffres.csv"] as const;

/** Cache-Tag of every answer about a structure (by code, or by one of its label numbers). */
export const codeTag = (code: string) => `spp-code-${code}`;
/** Cache-Tag of the answers by one label number. */
export const labelTag = (number: string) => `spp-label-${number}`;

/** The Cache-Tags of a public answer: its structure's, and the label's it shows (if any). */
export function answerTags(answer: { structure: { code: string }; labelNumber: string | null }): string[] {
  return [codeTag(answer.structure.code), ...(answer.labelNumber ? [labelTag(answer.labelNumber)] : [])];
}

/**
 * A change's intents: its structure's credentials signed again where what they say changed
 * (src/changes/credentials.ts) — first, so that the purge that follows finds them done —, the Cache-Tags
 * it purges, and its notifications (src/notifications/). The `status-list` intents of its labels' lists
 * are selected in the batch itself (`statusListIntentStatements`: a label's list is known from its place
 * only), and `afterChange` takes them with the structure's credentials.
 */
export function intentsOf(change: PublicChange): Intent[] {
  const tags = [codeTag(change.structureCode), ...(change.labelNumbers ?? []).map(labelTag), FIGURES_TAG];
  return [
    { kind: "credential", subject: change.structureCode },
    // After the credential (it stores the new one), before the purge: an outage right after a purge finds it.
    lastKnownIntent(change.structureCode),
    ...[...new Set(tags)].map((subject): Intent => ({ kind: "purge", subject })),
    ...(change.notify ? [NOTIFY_INTENT] : []),
  ];
}

/**
 * A row already pending for the same subject covers this change too: the insert then changes nothing.
 * (A no-op update: drizzle writes `onConflictDoNothing`'s `where` after DO NOTHING, where SQLite wants
 * the partial index's predicate before it.)
 */
const pendingAlready = {
  target: [effects.kind, effects.subject],
  targetWhere: sql`status = 'pending'`,
  set: { attempts: sql`${effects.attempts}` },
};

/**
 * The columns of a pending intent chosen in SQL, one per row a select yields (`kind` and `subject` computed
 * from its rows), for the insert-selects that record effects for rows they find in the batch.
 */
function pendingIntentColumns(kind: SQL<string>, subject: SQL<string>, nowIso: string) {
  return {
    id: sql<string>`'eff_' || lower(hex(randomblob(10)))`.as("id"),
    kind: kind.as("kind"),
    subject: subject.as("subject"),
    status: sql<"pending">`'pending'`.as("status"),
    attempts: sql<number>`0`.as("attempts"),
    nextAttemptAt: sql<string>`${nowIso}`.as("next_attempt_at"),
    lastError: sql<null>`null`.as("last_error"),
    createdAt: sql<string>`${nowIso}`.as("created_at"),
    doneAt: sql<null>`null`.as("done_at"),
    claimToken: sql<null>`null`.as("claim_token"),
  };
}

/** A pending row per intent (none where one is pending already). */
export function insertIntents(db: Db, intents: readonly Intent[], nowIso: string) {
  return intents.map((i) =>
    db
      .insert(effects)
      .values({ id: newId("eff"), ...i, status: "pending", nextAttemptAt: nowIso, createdAt: nowIso })
      .onConflictDoUpdate(pendingAlready),
  );
}

/** The statements recording a change's effects, for the batch that writes the change. */
export function publicChangeStatements(db: Db, change: PublicChange, now = new Date()): BatchItem<"sqlite">[] {
  const notify = change.notify ? notificationStatements(db, change.notify, now) : [];
  const nowIso = now.toISOString();
  return [
    ...notify,
    ...insertIntents(db, intentsOf(change), nowIso),
    ...statusListIntentStatements(db, change.labelNumbers ?? [], nowIso),
  ];
}

/**
 * A `status-list` intent, per purpose, for each list these labels have their place in — selected from
 * their places inside the batch (a label's list is not its number's year once a year's list is full).
 * A label without a place yet gets one, with these intents in the same batch, from its credential
 * effect (src/changes/credentials.ts). `only`: a condition on the place (`status_entries`), for a batch
 * that knows in SQL which of its labels change a bit. Each statement returns the subjects it queued.
 */
export function statusListIntentStatements(db: Db, labelNumbers: readonly string[], nowIso: string, only?: SQL) {
  if (labelNumbers.length === 0) return [];
  return STATUS_PURPOSES.map((purpose) =>
    db
      .insert(effects)
      .select(
        db
          .select(pendingIntentColumns(sql`'status-list'`, sql`${purpose} || '/' || ${statusEntries.list}`, nowIso))
          .from(statusEntries)
          .where(and(inArray(statusEntries.labelNumber, [...labelNumbers]), only))
          .groupBy(statusEntries.list),
      )
      .onConflictDoUpdate(pendingAlready)
      .returning({ subject: effects.subject }),
  );
}

/** The figures' purge alone, for a change that moves a figure and no structure's answer (an assignment). */
export const figuresChangeStatements = (db: Db, now: Date) =>
  insertIntents(db, [{ kind: "purge", subject: FIGURES_TAG }], now.toISOString());

/** Label events without a purge (the daily expiry and reminders: docs/adr/0005): their notifications only. */
export function labelEventStatements(db: Db, source: LabelEventSource, now: Date): BatchItem<"sqlite">[] {
  return [...notificationStatements(db, source, now), ...notifyIntentStatements(db, now)];
}

/** The intent alone: deliveries made pending again (an admin's re-delivery). */
export const notifyIntentStatements = (db: Db, now: Date) => insertIntents(db, [NOTIFY_INTENT], now.toISOString());

/**
 * A body's new name shows on the answers of every structure whose current label it awarded: one purge
 * intent and one last-known intent per such structure, selected in the batch (after the rename of the read
 * model rows).
 */
export function certifierRenameStatements(db: Db, certifierId: string, now = new Date()): BatchItem<"sqlite">[] {
  const nowIso = now.toISOString();
  const perStructure = (kind: "purge" | "last-known", prefix: string) =>
    db
      .insert(effects)
      .select(
        db
          .select(pendingIntentColumns(sql`${kind}`, sql`${prefix} || ${publicLabels.code}`, nowIso))
          .from(publicLabels)
          .where(eq(publicLabels.certifierId, certifierId)),
      )
      .onConflictDoUpdate(pendingAlready);
  return [perStructure("last-known", ""), perStructure("purge", "spp-code-")];
}

/** The intents `certifierRenameStatements` records, read back for `afterChange` (one indexed read). */
export async function certifierIntents(db: Db, certifierId: string): Promise<Intent[]> {
  const rows = await db
    .select({ code: publicLabels.code })
    .from(publicLabels)
    .where(eq(publicLabels.certifierId, certifierId));
  return rows.flatMap((r): Intent[] => [lastKnownIntent(r.code), { kind: "purge", subject: codeTag(r.code) }]);
}
