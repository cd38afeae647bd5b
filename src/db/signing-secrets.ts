/**
 * Standard Webhooks signing secrets, for the two kinds of owner that have them: a certification body
 * (the secret its deliveries to the registry are signed with) and a subscription (the secret the
 * registry signs its notifications with). One way to rotate both: the new secret starts now; the
 * previous ones end after a grace period, so messages signed just before the switch keep verifying,
 * or at once with `revokePrevious` (a leaked secret).
 */
import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
import { newId, newWebhookSecret } from "../lib/crypto";
import type { Db } from "./client";
import { subscriptionSecrets, webhookSecrets } from "./schema";

/** Where each owner's secrets live; both tables have the same columns but the owner's. */
const OWNERS = {
  certifier: { table: webhookSecrets, owner: webhookSecrets.certifierId, ownerKey: "certifierId" },
  subscription: { table: subscriptionSecrets, owner: subscriptionSecrets.subscriptionId, ownerKey: "subscriptionId" },
} as const;
export type SecretOwner = keyof typeof OWNERS;

/** The table as one type: both share these columns, so the statements below are the same SQL. */
const tableOf = (kind: SecretOwner) => OWNERS[kind].table as typeof webhookSecrets;
const ownerOf = (kind: SecretOwner) => OWNERS[kind].owner as typeof webhookSecrets.certifierId;

/** The insert of a first secret, for the batch that creates its owner. */
export function firstSecretStatement(db: Db, kind: SecretOwner, ownerId: string, secret: string, at?: string) {
  return db
    .insert(tableOf(kind))
    .values({ id: newId("whs"), [OWNERS[kind].ownerKey]: ownerId, secret, createdAt: at } as never);
}

/**
 * Issues a new secret for the owner (which the caller has checked exists). Secrets still current get an
 * end date `graceHours` from now; with `revokePrevious` every previous secret, in its grace period or
 * not, ends now.
 */
export async function rotateSecret(
  db: Db,
  kind: SecretOwner,
  ownerId: string,
  opts: { graceHours: number; revokePrevious?: boolean },
  now = new Date(),
) {
  const t = tableOf(kind);
  const secret = newWebhookSecret();
  const at = now.toISOString();
  const expiresAt = opts.revokePrevious ? at : new Date(now.getTime() + opts.graceHours * 3_600_000).toISOString();
  const previous = opts.revokePrevious ? or(isNull(t.expiresAt), gt(t.expiresAt, at)) : isNull(t.expiresAt);
  await db.batch([
    db
      .update(t)
      .set({ expiresAt })
      .where(and(eq(ownerOf(kind), ownerId), previous)),
    firstSecretStatement(db, kind, ownerId, secret, at),
  ]);
  return { secret, previousValidUntil: expiresAt };
}

/** An owner's secrets, newest first; exported for query-plan tests. */
export function secretsQuery(db: Db, kind: SecretOwner, ownerId: string) {
  const t = tableOf(kind);
  return db
    .select({ secret: t.secret, expiresAt: t.expiresAt })
    .from(t)
    .where(eq(ownerOf(kind), ownerId))
    .orderBy(desc(t.createdAt));
}

/** The secrets valid at `now`: the current one and those still in their grace period, newest first. */
export async function activeSecrets(db: Db, kind: SecretOwner, ownerId: string, now = new Date()) {
  const rows = await secretsQuery(db, kind, ownerId);
  const at = now.toISOString();
  return rows.filter((r) => r.expiresAt === null || r.expiresAt > at).map((r) => r.secret);
}
