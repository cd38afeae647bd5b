/**
 * The daily job: expire labels past their last valid day, and queue renewal reminders.
 * Every e-mail is written to the outbox in the same batch as its reason; the delivery job sends it.
 * Scales to 100,000 labels: each step is an indexed range query on `labels_status_expires`, read in
 * keyset pages, written in batches whose statements bind ≤ 100 parameters.
 */
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, notExists, or, type SQL, sql } from "drizzle-orm";
import { afterChange } from "../changes/effects";
import { labelEventStatements, NOTIFY_INTENT } from "../changes/public-change";
import type { Db } from "../db/client";
import { chunk, insertOutbox, MAX_PARAMS, type OutboxInsert } from "../db/outbox";
import { certifiers, counters, labels, outbox, structures } from "../db/schema";
import { TRANSITIONS } from "../domain/label-lifecycle";
import { dueReminder, EXPIRY_KIND, type ReminderWindow, reminderKind, reminderWindows } from "../domain/reminders";
import { expiryEmail, type LabelFacts, reminderEmail } from "../email/templates";
import { newId } from "../lib/crypto";
import { expireLabels } from "../services/change-label-status";
import type { Deps } from "../services/deps";

export const CRON_ACTOR = "system:cron";
/**
 * The last completed daily run: its `scheduledTime` (which day it covered) and the wall-clock time it
 * started (compared with labels' `createdAt`, which is wall-clock: a label created during or after that
 * run is caught up by the next one).
 */
const LAST_DAY = "daily:last-scheduled-ms";
const LAST_START = "daily:last-started-ms";

async function lastRun(db: Db): Promise<{ day: string; startedAt: string } | null> {
  const rows = await db
    .select({ name: counters.name, value: counters.value })
    .from(counters)
    .where(inArray(counters.name, [LAST_DAY, LAST_START]));
  const get = (n: string) => rows.find((r) => r.name === n)?.value;
  const day = get(LAST_DAY);
  const started = get(LAST_START);
  if (day === undefined || started === undefined) return null;
  return { day: new Date(day).toISOString().slice(0, 10), startedAt: new Date(started).toISOString() };
}

function recordRun(db: Db, name: string, value: number) {
  return db.insert(counters).values({ name, value }).onConflictDoUpdate({ target: counters.name, set: { value } });
}
/** Labels read per page; each page is written in batches of WRITE_CHUNK labels. */
const PAGE = 1000;
/** Labels per write chunk: their numbers are bound in IN (…) lists next to a few other parameters. */
const WRITE_CHUNK = MAX_PARAMS - 10;

export type DailyOptions = { today: string; nowIso: string; offsets: number[]; publicBaseUrl: string };

export type DailyResult = {
  today: string;
  /** The labels THIS run expired (an overlapping run may have taken others). */
  expired: { number: string; structureCode: string }[];
  remindersQueued: number;
  remindersSkipped: number;
};

const candidateColumns = {
  number: labels.number,
  tier: labels.tier,
  expiresOn: labels.expiresOn,
  supersededBy: labels.supersededBy,
  structureCode: structures.code,
  structureName: structures.name,
  contacts: structures.contacts,
  // The body currently assigned to the structure, else the one that awarded the label; its name and
  // e-mail come from a map loaded once per run (a few dozen bodies) instead of a join per label.
  certifierId: sql<string>`coalesce(${structures.certifierId}, ${labels.certifierId})`,
};
type Candidate = {
  number: string;
  tier: LabelFacts["tier"];
  expiresOn: string;
  supersededBy: string | null;
  structureCode: string;
  structureName: string;
  contacts: { email: string }[];
  certifierId: string;
  certifierName: string | null;
  certifierEmail: string | null;
};

type Bodies = Map<string, { name: string; email: string }>;

async function loadBodies(db: Db): Promise<Bodies> {
  const rows = await db
    .select({ id: certifiers.id, name: certifiers.name, email: certifiers.contactEmail })
    .from(certifiers);
  return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email }]));
}

/** One keyset page of labels matching `where`, ordered by (expiresOn, number). Exported for EXPLAIN tests. */
export function candidatesPage(db: Db, where: SQL | undefined, after?: [string, string]) {
  return db
    .select(candidateColumns)
    .from(labels)
    .innerJoin(structures, eq(structures.code, labels.structureCode))
    .where(
      and(
        where,
        after
          ? or(gt(labels.expiresOn, after[0]), and(eq(labels.expiresOn, after[0]), gt(labels.number, after[1])))
          : undefined,
      ),
    )
    .orderBy(asc(labels.expiresOn), asc(labels.number))
    .limit(PAGE);
}

/**
 * Statuses that lapse at the end of the term (valid, and suspended: a suspension does not extend it),
 * from the label's status machine; `expireLabels` applies that transition in bulk, chunk by chunk.
 */
export const expiryWhere = (today: string) =>
  and(inArray(labels.status, TRANSITIONS.expire.from), lt(labels.expiresOn, today));

/** The selection of the reminder step for one window: its labels that have no row of this kind yet. */
export function reminderWhere(db: Db, w: ReminderWindow, createdAfter?: string) {
  const kind = reminderKind(w.offset);
  return and(
    // The catch-up of recent labels must walk `labels_created`, not the (much wider) expiry window:
    // the unary `+` keeps SQLite from choosing `labels_status_expires` for that pass.
    createdAfter
      ? and(gt(labels.createdAt, createdAfter), sql`+${labels.status} = 'valid'`)
      : eq(labels.status, "valid"),
    gte(labels.expiresOn, w.fromExpiresOn),
    lte(labels.expiresOn, w.toExpiresOn),
    isNull(labels.supersededBy),
    notExists(
      db
        .select({ one: sql`1` })
        .from(outbox)
        .where(and(eq(outbox.labelNumber, labels.number), eq(outbox.kind, kind))),
    ),
  );
}

async function* pages(db: Db, bodies: Bodies, where: SQL | undefined): AsyncGenerator<Candidate[]> {
  let after: [string, string] | undefined;
  for (;;) {
    const rows: Candidate[] = (await candidatesPage(db, where, after)).map((r) => ({
      ...r,
      certifierName: bodies.get(r.certifierId)?.name ?? null,
      certifierEmail: bodies.get(r.certifierId)?.email ?? null,
    }));
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) return;
    after = [last.expiresOn, last.number];
  }
}

/** The structure's contacts and the body, once each (case-insensitive). */
export function recipientsOf(c: Pick<Candidate, "contacts" | "certifierEmail">): string[] {
  const seen = new Map<string, string>();
  for (const e of [...c.contacts.map((x) => x.email), c.certifierEmail]) {
    if (e && !seen.has(e.toLowerCase())) seen.set(e.toLowerCase(), e);
  }
  return [...seen.values()];
}

const facts = (c: Candidate, base: string): LabelFacts => ({
  labelNumber: c.number,
  tier: c.tier,
  expiresOn: c.expiresOn,
  structure: { code: c.structureCode, name: c.structureName },
  certifierName: c.certifierName,
  verifyUrl: `${base.replace(/\/$/, "")}/verify/${encodeURIComponent(c.structureCode)}`,
});

function row(
  c: Candidate,
  kind: string,
  status: "pending" | "skipped",
  mail: ReturnType<typeof expiryEmail>,
  nowIso: string,
): OutboxInsert {
  return {
    id: newId("eml"),
    kind,
    labelNumber: c.number,
    recipients: recipientsOf(c),
    ...mail,
    status,
    attempts: 0,
    nextAttemptAt: status === "pending" ? nowIso : null,
    createdAt: nowIso,
    updatedAt: nowIso,
  };
}

/**
 * Step 1 of the daily job: the labels whose last valid day is before `o.today` expire, through the label
 * verb, a chunk a batch, each with its expiry notice. `only` narrows it to some labels: the test factories
 * build an expired label with it (test/factories.ts), the rows exactly as this step writes them.
 * @returns the labels THIS run expired
 */
export async function expireDue(
  deps: Deps,
  o: Pick<DailyOptions, "today" | "nowIso" | "publicBaseUrl">,
  opts: { bodies?: Bodies; only?: readonly string[] } = {},
): Promise<DailyResult["expired"]> {
  const { db } = deps;
  const bodies = opts.bodies ?? (await loadBodies(db));
  const where = and(expiryWhere(o.today), opts.only ? inArray(labels.number, [...opts.only]) : undefined);
  const expired: DailyResult["expired"] = [];
  for await (const page of pages(db, bodies, where)) {
    for (const part of chunk(page, WRITE_CHUNK)) {
      // Renewed labels expire silently: their structure holds the new label.
      const notices = part
        .filter((c) => !c.supersededBy)
        .map((c) => row(c, EXPIRY_KIND, "pending", expiryEmail(facts(c, o.publicBaseUrl)), o.nowIso));
      expired.push(
        ...(await expireLabels(deps, part, { actor: CRON_ACTOR, nowIso: o.nowIso, extra: insertOutbox(db, notices) })),
      );
    }
  }
  return expired;
}

export async function runDaily(deps: Deps, o: DailyOptions): Promise<DailyResult> {
  const { db } = deps;
  const startedAt = Date.now(); // wall clock on purpose: see lastRun
  const bodies = await loadBodies(db);
  // 1. Expiry.
  const result: DailyResult = {
    today: o.today,
    expired: await expireDue(deps, o, { bodies }),
    remindersQueued: 0,
    remindersSkipped: 0,
  };

  // 2. Reminders: per offset, the labels for which it is the most urgent due one and not yet queued.
  // Only the days crossed since the last completed run are read (the earlier ones were handled then),
  // plus the labels created since then over the full windows (imported or awarded late).
  // A replay of an earlier day (tests, /cdn-cgi/handler/scheduled) falls back to the full windows.
  const stored = await lastRun(db);
  const last = stored && stored.day <= o.today ? stored : null;
  const passes: { w: ReminderWindow; createdAfter?: string }[] = reminderWindows(o.today, o.offsets, last?.day).map(
    (w) => ({ w }),
  );
  if (last) for (const w of reminderWindows(o.today, o.offsets)) passes.push({ w, createdAfter: last.startedAt });
  for (const { w, createdAfter } of passes) {
    for await (const page of pages(db, bodies, reminderWhere(db, w, createdAfter))) {
      for (const part of chunk(page, WRITE_CHUNK)) {
        const rows: OutboxInsert[] = [];
        const expiring: string[] = [];
        for (const c of part) {
          const due = dueReminder(c.expiresOn, o.today, o.offsets);
          if (!due) continue;
          const f = facts(c, o.publicBaseUrl);
          rows.push(row(c, reminderKind(due.offset), "pending", reminderEmail(f, due.daysLeft), o.nowIso));
          expiring.push(c.number);
          result.remindersQueued++;
          // Earlier reminders never sent (downtime, label imported late): recorded, never sent later.
          for (const s of due.skipped) {
            rows.push({
              ...row(c, reminderKind(s), "skipped", reminderEmail(f, due.daysLeft), o.nowIso),
              lastError: `Superseded by ${reminderKind(due.offset)}`,
            });
            result.remindersSkipped++;
          }
        }
        if (rows.length > 0) {
          // Subscribers hear `label.expiring` when the structure gets its reminder, in the same batch.
          const now = new Date(o.nowIso);
          const notify = labelEventStatements(db, { baseUrl: o.publicBaseUrl, expiring, today: o.today }, now);
          const [first, ...rest] = insertOutbox(db, rows);
          await db.batch([first!, ...rest, ...(expiring.length > 0 ? notify : [])]);
          await afterChange(deps, [NOTIFY_INTENT], now);
        }
      }
    }
  }
  await db.batch([recordRun(db, LAST_DAY, Date.parse(o.nowIso)), recordRun(db, LAST_START, startedAt)]);
  return result;
}
