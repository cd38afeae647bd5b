/**
 * Labels and their events, written straight into D1: the decisions that create them belong to
 * another part of the registry; these tests only read them, as the public does. Like every write,
 * each fixture refreshes the structure's public read model row in its batch.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { getDb } from "../src/db/client";
import { refreshPublicLabels } from "../src/db/public-model";
import { type LabelStatus, labelEvents, labels, type Tier } from "../src/db/schema";

let seq = 0;
const db = () => getDb(env.DB);

export type LabelFixture = {
  structureCode: string;
  certifierId: string;
  tier?: Tier;
  status?: LabelStatus;
  awardedOn?: string;
  expiresOn?: string;
  supersedes?: string;
  number?: string;
};

/** Inserts a label and its `awarded` event (plus one event for a non-valid status) in one batch. */
export async function insertLabel(f: LabelFixture) {
  seq++;
  const number = f.number ?? `SPP-2026-${String(seq).padStart(6, "0")}`;
  const awardedOn = f.awardedOn ?? "2026-03-31";
  const expiresOn = f.expiresOn ?? "2099-03-30";
  const status = f.status ?? "valid";
  const d = db();
  const stmts = [
    d.insert(labels).values({
      number,
      structureCode: f.structureCode,
      certifierId: f.certifierId,
      tier: f.tier ?? "or",
      status,
      awardedOn,
      expiresOn,
      originalAwardedOn: awardedOn,
      supersedes: f.supersedes ?? null,
    }),
    d.insert(labelEvents).values({
      id: `evt_${number}_a`,
      labelNumber: number,
      type: "awarded",
      toStatus: "valid",
      actor: "certifier:fixture",
      actorRole: "certifier",
      reason: "Décision d'attribution",
      effectiveOn: awardedOn,
    }),
  ];
  if (status !== "valid") {
    stmts.push(
      d.insert(labelEvents).values({
        id: `evt_${number}_s`,
        labelNumber: number,
        type: status,
        fromStatus: "valid",
        toStatus: status,
        actor: "admin:token",
        actorRole: "admin",
        reason: "Motif confidentiel de test",
        effectiveOn: status === "expired" ? expiresOn : awardedOn,
      }),
    );
  }
  const [first, ...rest] = stmts;
  await d.batch([first!, ...rest, refreshPublicLabels(d, f.structureCode)]);
  return number;
}

/** Changes a label's status and appends the event, as the label lifecycle would. */
export async function setLabelStatus(
  number: string,
  status: LabelStatus,
  type: "suspended" | "reinstated" | "withdrawn" | "expired",
) {
  const d = db();
  const [label] = await d.select({ code: labels.structureCode }).from(labels).where(eq(labels.number, number));
  await d.batch([
    d.update(labels).set({ status, statusChangedAt: new Date().toISOString() }).where(eq(labels.number, number)),
    d.insert(labelEvents).values({
      id: `evt_${number}_${type}_${Date.now()}`,
      labelNumber: number,
      type,
      toStatus: status,
      actor: "admin:token",
      actorRole: "admin",
      reason: "Motif confidentiel de test",
      effectiveOn: new Date().toISOString().slice(0, 10),
    }),
    refreshPublicLabels(d, label!.code),
  ]);
}

/** Marks `old` as replaced by `renewal` (what a renewal decision does). */
export async function supersede(old: string, renewal: string) {
  const d = db();
  const [label] = await d.select({ code: labels.structureCode }).from(labels).where(eq(labels.number, old));
  await d.batch([
    d.update(labels).set({ supersededBy: renewal }).where(eq(labels.number, old)),
    refreshPublicLabels(d, label!.code),
  ]);
}
