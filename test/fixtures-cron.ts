/**
 * Fixtures for the cron tests. Structures and bodies go through the API; labels are inserted
 * directly (their creation by decision belongs to another part of the registry).
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getDb } from "../src/db/client";
import { refreshPublicLabels } from "../src/db/public-model";
import { type LabelStatus, labelEvents, labels, outbox, type Tier } from "../src/db/schema";
import worker from "../src/index";
import { CRONS } from "../src/scheduled";
import { assign, createCertifier, createStructure } from "./helpers";

export const db = () => getDb(env.DB);

let seq = 0;
export type LabelOver = {
  status?: LabelStatus;
  tier?: Tier;
  supersededBy?: string | null;
  number?: string;
};

/** A structure with its assigned body, and one label whose last valid day is `expiresOn`. */
export async function labelledStructure(expiresOn: string, over: LabelOver = {}) {
  const body = await createCertifier({ contactEmail: `oc${++seq}@oc.test.example` });
  const s = await createStructure();
  await assign(s.code, body.id);
  const number = over.number ?? `SPP-TEST-${String(++seq).padStart(6, "0")}`;
  const d = db();
  const insert = d.insert(labels).values({
    number,
    structureCode: s.code,
    certifierId: body.id,
    tier: over.tier ?? "argent",
    status: over.status ?? "valid",
    awardedOn: "2026-01-01",
    expiresOn,
    originalAwardedOn: "2026-01-01",
    supersededBy: over.supersededBy ?? null,
  });
  await d.batch([insert, refreshPublicLabels(d, s.code)]);
  return { number, structureCode: s.code, certifierId: body.id };
}

/** Runs the Worker's real `scheduled` handler at `time`, with an optionally altered env. */
export async function runCron(cron: string, time: string | number, envOver: Record<string, unknown> = {}) {
  const controller = createScheduledController({ cron, scheduledTime: new Date(time) });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, { ...env, ...envOver } as Env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The daily job at 03:00 UTC of `day`. */
export const daily = (day: string, envOver?: Record<string, unknown>) =>
  runCron(CRONS.daily, `${day}T03:00:00Z`, envOver);
/** The delivery job at `instant`. */
export const deliver = (instant: string, envOver?: Record<string, unknown>) => runCron(CRONS.outbox, instant, envOver);

export const outboxOf = (labelNumber: string) =>
  db().select().from(outbox).where(eq(outbox.labelNumber, labelNumber)).orderBy(outbox.kind);

export const labelOf = async (number: string) =>
  (await db().select().from(labels).where(eq(labels.number, number)))[0]!;
export const eventsOf = (number: string) => db().select().from(labelEvents).where(eq(labelEvents.labelNumber, number));
