/**
 * Subscriptions (who is told what, where) and their delivery log: the admin verbs behind
 * /v1/subscriptions. The endpoint is checked by the rules of src/domain/endpoint-url.ts when it is
 * given, and again before every delivery (the configuration may have changed since).
 */
import { and, asc, desc, eq, gt, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { afterChange } from "../changes/effects";
import { NOTIFY_INTENT, notifyIntentStatements } from "../changes/public-change";
import type { Db } from "../db/client";
import { type DeliveryStatus, deliveries, notifications, subscriptions } from "../db/schema";
import { activeSecrets, firstSecretStatement, rotateSecret } from "../db/signing-secrets";
import { type EndpointRules, endpointProblem } from "../domain/endpoint-url";
import { conflict, invalid, notFound } from "../domain/errors";
import { config } from "../env";
import { newId, newWebhookSecret } from "../lib/crypto";
import type { Deps } from "../services/deps";
import { findStructureAnyCase } from "../services/structures";
import { RETRY_WINDOW_MS } from "./produce";

export type Watch = { structureCode: string } | { network: string } | { department: string } | { all: true };

export type SubscriptionInput = { name: string; contactEmail: string; url: string; watch: Watch };
export type SubscriptionPatch = Partial<SubscriptionInput> & { status?: "active" | "disabled" };

type Row = typeof subscriptions.$inferSelect;

export const endpointRules = (env: Env): EndpointRules => ({
  allowLoopbackHttp: config(env).NOTIFY_ALLOW_LOOPBACK_HTTP === "on",
});

function present(r: Row) {
  const watch: Watch =
    r.watchKind === "all"
      ? { all: true }
      : r.watchKind === "structure"
        ? { structureCode: r.watchValue! }
        : r.watchKind === "network"
          ? { network: r.watchValue! }
          : { department: r.watchValue! };
  return {
    id: r.id,
    name: r.name,
    contactEmail: r.contactEmail,
    url: r.url,
    watch,
    status: r.status,
    disabledReason: r.disabledReason,
    disabledAt: r.disabledAt,
    failingSince: r.failingSince,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function checkUrl(url: string, rules: EndpointRules) {
  const problem = endpointProblem(url, rules);
  if (problem) throw invalid("url", problem, `The endpoint is refused: ${problem}`);
}

/** The watch as stored: a structure by the registry's spelling of its code (it must exist). */
async function watchColumns(db: Db, watch: Watch): Promise<Pick<Row, "watchKind" | "watchValue">> {
  if ("all" in watch) return { watchKind: "all", watchValue: null };
  if ("network" in watch) return { watchKind: "network", watchValue: watch.network };
  if ("department" in watch) return { watchKind: "department", watchValue: watch.department };
  const found = await findStructureAnyCase(db, watch.structureCode);
  if (!found) throw invalid("watch.structureCode", `No structure ${watch.structureCode} in the registry`);
  return { watchKind: "structure", watchValue: found.code };
}

export async function getSubscriptionRow(db: Db, id: string): Promise<Row> {
  const [row] = await db.select().from(subscriptions).where(eq(subscriptions.id, id));
  if (!row) throw notFound(`Subscription ${id}`);
  return row;
}

export const getSubscription = async (db: Db, id: string) => present(await getSubscriptionRow(db, id));

/** Creates the subscription and its first signing secret (shown once), in one batch. */
export async function createSubscription(deps: Deps, input: SubscriptionInput) {
  const { db } = deps;
  checkUrl(input.url, endpointRules(deps.env));
  const id = newId("sub");
  const secret = newWebhookSecret();
  const nowIso = new Date().toISOString();
  await db.batch([
    db.insert(subscriptions).values({
      id,
      name: input.name,
      contactEmail: input.contactEmail,
      url: input.url,
      ...(await watchColumns(db, input.watch)),
      status: "active",
      createdAt: nowIso,
      updatedAt: nowIso,
    }),
    firstSecretStatement(db, "subscription", id, secret, nowIso),
  ]);
  return { ...(await getSubscription(db, id)), secret };
}

export async function listSubscriptions(db: Db, limit: number, after?: string) {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(after ? gt(subscriptions.id, after) : undefined)
    .orderBy(asc(subscriptions.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(present);
  return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

/**
 * Edits a subscription; `status` disables it (nothing more is delivered; pending deliveries wait) or
 * enables it again (its run of failures forgotten; deliveries that failed meanwhile can be re-delivered).
 */
export async function updateSubscription(deps: Deps, id: string, patch: SubscriptionPatch) {
  const { db } = deps;
  const current = await getSubscriptionRow(db, id);
  if (patch.url !== undefined) checkUrl(patch.url, endpointRules(deps.env));
  const nowIso = new Date().toISOString();
  const status =
    patch.status === undefined || patch.status === current.status
      ? {}
      : patch.status === "disabled"
        ? { status: "disabled" as const, disabledReason: "Disabled by an administrator", disabledAt: nowIso }
        : { status: "active" as const, disabledReason: null, disabledAt: null, failingSince: null };
  await db
    .update(subscriptions)
    .set({
      name: patch.name,
      contactEmail: patch.contactEmail,
      url: patch.url,
      ...(patch.watch ? await watchColumns(db, patch.watch) : {}),
      ...status,
      updatedAt: nowIso,
    })
    .where(eq(subscriptions.id, id));
  return getSubscription(db, id);
}

export async function rotateSubscriptionSecret(deps: Deps, id: string, revokePrevious?: boolean) {
  await getSubscriptionRow(deps.db, id);
  return rotateSecret(deps.db, "subscription", id, {
    graceHours: config(deps.env).WEBHOOK_SECRET_GRACE_HOURS,
    revokePrevious,
  });
}

export const subscriptionSecrets = (db: Db, id: string, now: Date) => activeSecrets(db, "subscription", id, now);

const deliveryColumns = {
  id: deliveries.id,
  webhookId: deliveries.notificationId,
  type: notifications.type,
  labelNumber: notifications.labelNumber,
  status: deliveries.status,
  attempts: deliveries.attempts,
  lastStatus: deliveries.lastStatus,
  lastError: deliveries.lastError,
  lastResponse: deliveries.lastResponse,
  nextAttemptAt: deliveries.nextAttemptAt,
  retryUntil: deliveries.retryUntil,
  createdAt: deliveries.createdAt,
  deliveredAt: deliveries.deliveredAt,
};

export type DeliveryFilter = {
  status?: DeliveryStatus;
  limit: number;
  /** Keyset: the last row's (createdAt, id), newest first. */
  after?: [string, string];
};

/** A subscription's delivery log, newest first (index `deliveries_subscription`). */
export async function listDeliveries(db: Db, subscriptionId: string, f: DeliveryFilter) {
  await getSubscriptionRow(db, subscriptionId);
  const where: (SQL | undefined)[] = [
    eq(deliveries.subscriptionId, subscriptionId),
    f.status ? eq(deliveries.status, f.status) : undefined,
    f.after
      ? or(
          lt(deliveries.createdAt, f.after[0]),
          and(eq(deliveries.createdAt, f.after[0]), lt(deliveries.id, f.after[1])),
        )
      : undefined,
  ];
  const rows = await db
    .select(deliveryColumns)
    .from(deliveries)
    .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
    .where(and(...where))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit);
  const last = items.at(-1);
  return { items, next: rows.length > f.limit && last ? ([last.createdAt, last.id] as [string, string]) : null };
}

async function getDelivery(db: Db, subscriptionId: string, id: string) {
  const [row] = await db
    .select(deliveryColumns)
    .from(deliveries)
    .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
    .where(and(eq(deliveries.id, id), eq(deliveries.subscriptionId, subscriptionId)));
  if (!row) throw notFound(`Delivery ${id} of subscription ${subscriptionId}`);
  return row;
}

/**
 * Delivers one notification again (delivered, failed or waiting alike), with the same `webhook-id` and
 * body, and 3 new days of retries: back to `pending` with the intent that queues it, in one batch.
 */
export async function redeliver(deps: Deps, subscriptionId: string, id: string) {
  const { db } = deps;
  const sub = await getSubscriptionRow(db, subscriptionId);
  await getDelivery(db, subscriptionId, id);
  if (sub.status !== "active") throw conflict(`Subscription ${subscriptionId} is disabled: enable it first`);
  const now = new Date();
  await db.batch([
    db
      .update(deliveries)
      .set({
        status: "pending",
        nextAttemptAt: now.toISOString(),
        retryUntil: new Date(now.getTime() + RETRY_WINDOW_MS).toISOString(),
      })
      .where(and(eq(deliveries.id, id), inArray(deliveries.status, ["delivered", "failed", "queued", "pending"]))),
    ...notifyIntentStatements(db, now),
  ]);
  await afterChange(deps, [NOTIFY_INTENT], now);
  return getDelivery(db, subscriptionId, id);
}

/**
 * Deletes up to `limit` finished deliveries (delivered, or failed for good) created before `before`;
 * pending and queued ones are never touched. Returns how many.
 */
export async function purgeDeliveries(db: Db, before: string, limit: number): Promise<number> {
  const r = await db.run(sql`
    DELETE FROM ${deliveries} WHERE ${deliveries.id} IN (
      SELECT id FROM ${deliveries} WHERE status IN ('delivered', 'failed') AND created_at < ${before} LIMIT ${limit}
    )`);
  return r.meta.changes;
}

/** Deletes up to `limit` notifications created before `before` that no delivery refers to any more. */
export async function purgeNotifications(db: Db, before: string, limit: number): Promise<number> {
  const r = await db.run(sql`
    DELETE FROM ${notifications} WHERE ${notifications.id} IN (
      SELECT n.id FROM ${notifications} n
      WHERE n.created_at < ${before}
        AND NOT EXISTS (SELECT 1 FROM ${deliveries} d WHERE d.notification_id = n.id)
      ORDER BY n.created_at
      LIMIT ${limit}
    )`);
  return r.meta.changes;
}
