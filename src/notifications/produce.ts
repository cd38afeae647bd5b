/**
 * What subscribers are told of a label change, written IN THE BATCH of that change (so it lands with
 * the change or not at all, and survives anything that happens after): one `notifications` row per
 * label event — its signed body rendered from the rows the batch just wrote — and one `deliveries` row
 * per active subscription watching the structure. The intent that hands them to the queue
 * (`notify`, src/notifications/enqueue.ts) is added by src/changes/public-change.ts.
 *
 * Plain SQL (INSERT … SELECT): an award's label number exists only inside its batch
 * (src/db/labels.ts `labelNumberFrom`), and the daily expiry writes its events by INSERT … SELECT too.
 * When no subscription is active, nothing is written, and almost nothing read (`gate`, `anyActive`).
 */
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { deliveries, notifications } from "../db/schema";

/** How long a delivery is retried, from when it is (first, or again) queued. */
export const RETRY_WINDOW_MS = 3 * 24 * 3_600_000;

/** The label events a change tells, as the batch wrote them. */
export type LabelEventSource = {
  /** The registry's public base URL, for the permalink. */
  baseUrl: string;
} & (
  | { /** Events written with these ids (an award, a status change). */ eventIds: readonly string[] }
  | { /** Labels whose `expired` event this batch wrote (the daily expiry). */ expired: readonly string[] }
  | {
      /** Labels whose renewal reminder this batch queued: `label.expiring` on `today`. */ expiring: readonly string[];
      today: string;
    }
);

const TYPE_OF_EVENT = sql`case when e.type = 'awarded' and l.supersedes is not null then 'label.renewed' else 'label.' || e.type end`;

/** The event's body, as Standard Webhooks wants it: `{ type, timestamp, data }`, data = the public answer's fields. */
function payload(type: SQL, status: SQL, effectiveOn: SQL, nowIso: string, origin: string) {
  return sql`json_object(
    'type', ${type},
    'timestamp', ${nowIso},
    'data', json_object(
      'labelNumber', l.number,
      'status', ${status},
      'valid', json(case when ${status} = 'valid' then 'true' else 'false' end),
      'tier', l.tier,
      'awardedOn', l.awarded_on,
      'expiresOn', l.expires_on,
      'supersededBy', l.superseded_by,
      'effectiveOn', ${effectiveOn},
      'structure', json_object('code', s.code, 'name', s.name, 'network', s.network, 'city', s.city, 'department', s.department),
      'certifier', case when c.name is null then json('null') else json_object('name', c.name) end,
      'permalink', ${origin} || '/verify/' || s.code
    )
  )`;
}

const anyActive = sql`exists (select 1 from subscriptions where status = 'active')`;
/**
 * The outer loop of the statements below: one row when a subscription is active, none otherwise. Put
 * first with CROSS JOIN (SQLite keeps that order), so without subscribers no other row is read.
 */
const gate = sql`(select 1 from subscriptions where status = 'active' limit 1) gate cross join`;
const joins = sql`join structures s on s.code = l.structure_code left join certifiers c on c.id = l.certifier_id`;

/** The notifications of the source (all columns of `notifications`, in order), and the ids they get. */
function notificationRows(source: LabelEventSource, nowIso: string): { select: SQL; ids: SQL } {
  const origin = new URL(source.baseUrl).origin;
  const columns = (id: SQL, type: SQL, status: SQL, effectiveOn: SQL) =>
    sql`${id}, ${type}, l.number, s.code, s.network, s.department, ${payload(type, status, effectiveOn, nowIso, origin)}, ${nowIso}`;
  if ("expiring" in source) {
    const numbers = sql.join(
      source.expiring.map((n) => sql`${n}`),
      sql`, `,
    );
    // One reminder per label and day (the outbox keeps one per label and offset): a rerun adds nothing.
    const id = sql`'ntf_' || l.number || '_expiring_' || ${source.today}`;
    return {
      select: sql`select ${columns(id, sql`'label.expiring'`, sql`'valid'`, sql`${source.today}`)}
        from ${gate} labels l ${joins} where l.number in (${numbers})`,
      ids: sql`select 'ntf_' || number || '_expiring_' || ${source.today} from labels where number in (${numbers})`,
    };
  }
  const events =
    "eventIds" in source
      ? sql`e.id in (${sql.join(
          source.eventIds.map((i) => sql`${i}`),
          sql`, `,
        )})`
      : sql`e.label_number in (${sql.join(
          source.expired.map((n) => sql`${n}`),
          sql`, `,
        )}) and e.type = 'expired'`;
  return {
    select: sql`select ${columns(sql`'ntf_' || e.id`, TYPE_OF_EVENT, sql`e.to_status`, sql`e.effective_on`)}
      from ${gate} label_events e join labels l on l.number = e.label_number ${joins}
      where ${events} and e.type <> 'superseded'`,
    ids: sql`select 'ntf_' || e.id from label_events e where ${events}`,
  };
}

/**
 * The subscriptions watching a notification's structure, one indexed branch per kind of watch (a
 * subscription has one kind, so the branches never overlap).
 */
const WATCHES = [
  sql`sub.watch_kind = 'all'`,
  sql`sub.watch_kind = 'structure' and sub.watch_value = n.structure_code`,
  sql`sub.watch_kind = 'network' and sub.watch_value = n.network`,
  sql`sub.watch_kind = 'department' and sub.watch_value = n.department`,
];

/** The statements that record the source's notifications and their deliveries, for the change's batch. */
export function notificationStatements(db: Db, source: LabelEventSource, now: Date): BatchItem<"sqlite">[] {
  const nowIso = now.toISOString();
  const retryUntil = new Date(now.getTime() + RETRY_WINDOW_MS).toISOString();
  const { select, ids } = notificationRows(source, nowIso);
  // The source's ids and the instants are bound once (a CTE each), whatever the number of branches: a
  // statement binds at most 100 parameters.
  const branches = WATCHES.map(
    (watch) => sql`select 'dlv_' || lower(hex(randomblob(10))), sub.id, n.id, 'pending', 0, null, null, null,
        at.now, at.until, at.now, null
      from change join notifications n on n.id = change.id
        join subscriptions sub on sub.status = 'active' and ${watch}, at
      where ${anyActive}`,
  );
  const deliveriesOfChange = sql`with change(id) as (${ids}), at(now, until) as (select ${nowIso}, ${retryUntil})
    ${sql.join(branches, sql` union all `)}`;
  return [
    db.insert(notifications).select(select).onConflictDoNothing(),
    db.insert(deliveries).select(deliveriesOfChange).onConflictDoNothing(),
  ];
}
