/** Certification bodies, their API keys and webhook secrets. */
import { asc, eq, gt } from "drizzle-orm";
import { invalid, notFound } from "../domain/errors";
import { newApiKey, newId, newWebhookSecret, sha256Hex } from "../lib/crypto";
import type { Db } from "./client";
import { apiKeys, certifiers } from "./schema";
import { activeSecrets, firstSecretStatement, rotateSecret, secretsQuery } from "./signing-secrets";

export type CertifierInput = {
  name: string;
  siret?: string;
  contactEmail: string;
  habilitation: { from: string; until: string; status?: "active" | "suspended" | "revoked" };
};

function present(row: typeof certifiers.$inferSelect) {
  const { habilitationFrom, habilitationUntil, habilitationStatus, ...rest } = row;
  return { ...rest, habilitation: { from: habilitationFrom, until: habilitationUntil, status: habilitationStatus } };
}

export function checkPeriod(h: { from?: string; until?: string }) {
  if (h.from && h.until && h.from > h.until) {
    throw invalid(
      "habilitation.until",
      "Must be on or after habilitation.from",
      "The habilitation ends before it starts",
    );
  }
}

/** Creates the body with its first API key and webhook secret, in one batch. */
export async function createCertifier(db: Db, input: CertifierInput) {
  checkPeriod(input.habilitation);
  const id = newId("oc");
  const apiKey = newApiKey();
  const webhookSecret = newWebhookSecret();
  await db.batch([
    db.insert(certifiers).values({
      id,
      name: input.name,
      siret: input.siret,
      contactEmail: input.contactEmail,
      habilitationFrom: input.habilitation.from,
      habilitationUntil: input.habilitation.until,
      habilitationStatus: input.habilitation.status ?? "active",
    }),
    db.insert(apiKeys).values({
      id: newId("key"),
      hash: await sha256Hex(apiKey),
      prefix: apiKey.slice(0, 10),
      role: "certifier",
      certifierId: id,
      name: "initial",
    }),
    firstSecretStatement(db, "certifier", id, webhookSecret),
  ]);
  return { ...(await getCertifier(db, id)), apiKey, webhookSecret };
}

export async function getCertifier(db: Db, id: string) {
  const [row] = await db.select().from(certifiers).where(eq(certifiers.id, id));
  if (!row) throw notFound(`Certification body ${id}`);
  return present(row);
}

export async function listCertifiers(db: Db, limit: number, after?: string) {
  const rows = await db
    .select()
    .from(certifiers)
    .where(after ? gt(certifiers.id, after) : undefined)
    .orderBy(asc(certifiers.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(present);
  return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

/** Issues a new webhook secret (src/db/signing-secrets.ts: grace period, or `revokePrevious`). */
export async function rotateWebhookSecret(
  db: Db,
  id: string,
  opts: { graceHours: number; revokePrevious?: boolean },
  now = new Date(),
) {
  await getCertifier(db, id);
  const { secret, previousValidUntil } = await rotateSecret(db, "certifier", id, opts, now);
  return { webhookSecret: secret, previousValidUntil };
}

/** A body's webhook secrets, newest first; exported for query-plan tests. */
export const webhookSecretsQuery = (db: Db, id: string) => secretsQuery(db, "certifier", id);

/** Secrets that verify a delivery at `now`: the current one and those still in their grace period. */
export const activeWebhookSecrets = (db: Db, id: string, now = new Date()) => activeSecrets(db, "certifier", id, now);

export async function createApiKey(
  db: Db,
  input: { role: "admin" | "certifier"; certifierId?: string; name?: string },
) {
  if (input.role === "certifier") {
    if (!input.certifierId) {
      throw invalid("certifierId", "Required when role is certifier", "A certifier key belongs to a body");
    }
    await getCertifier(db, input.certifierId);
  } else if (input.certifierId) {
    throw invalid("certifierId", "Only for role certifier", "An admin key belongs to no body");
  }
  const key = newApiKey();
  const id = newId("key");
  await db.insert(apiKeys).values({
    id,
    hash: await sha256Hex(key),
    prefix: key.slice(0, 10),
    role: input.role,
    certifierId: input.certifierId,
    name: input.name,
  });
  return { ...(await getApiKey(db, id)), apiKey: key };
}

const keyColumns = {
  id: apiKeys.id,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  certifierId: apiKeys.certifierId,
  name: apiKeys.name,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
};

export async function getApiKey(db: Db, id: string) {
  const [row] = await db.select(keyColumns).from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw notFound(`API key ${id}`);
  return row;
}

export async function listApiKeys(db: Db, limit: number, after?: string) {
  const rows = await db
    .select(keyColumns)
    .from(apiKeys)
    .where(after ? gt(apiKeys.id, after) : undefined)
    .orderBy(asc(apiKeys.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

export async function revokeApiKey(db: Db, id: string) {
  const key = await getApiKey(db, id);
  if (key.revokedAt) return key;
  await db.update(apiKeys).set({ revokedAt: new Date().toISOString() }).where(eq(apiKeys.id, id));
  return getApiKey(db, id);
}
