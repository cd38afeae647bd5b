/**
 * The `last-known` effect (subject: a structure's Code SP+): reads what the structure's public answers are
 * made of — by code, and by the number of each of its labels — from D1, and writes it to Workers KV, where
 * public reads find it when D1 fails (src/public/last-known.ts). Every public change records it (after the
 * credential is signed again, so the stored credential is the new one); so do a credential signed later by
 * the cron, the backfill migration (0022) and a public read that finds the stored facts old. Its subject may
 * also be a status list (`status/<purpose>/<list>`): every signing of the list records one (migration 0028
 * for the lists signed before), and the copy is the list D1 holds when it runs.
 * @see docs/adr/0010-last-known-answers.md
 */
import { eq, inArray } from "drizzle-orm";
import { findStatusList } from "../db/credentials";
import { findPublicLabels } from "../db/public";
import { credentials, labels, type StatusPurpose } from "../db/schema";
import type { PublicRef } from "../domain/public-ref";
import { putLastKnownStatusList } from "../public/known-lists";
import { putLastKnown } from "../public/last-known";
import type { Deps } from "../services/deps";
import type { EffectHandler } from "./effects";
import { STATUS_LIST_PREFIX } from "./public-change";
import { eachSubject, parseStatusSubject } from "./status-lists";

/** Writes the last known facts of a structure and of each of its labels. @returns the keys written */
export async function writeLastKnown(deps: Deps, code: string, now: Date): Promise<number> {
  const { db, env } = deps;
  const numbers = (await db.select({ number: labels.number }).from(labels).where(eq(labels.structureCode, code))).map(
    (r) => r.number,
  );
  const refs: PublicRef[] = [
    { kind: "code", value: code },
    ...numbers.map((n): PublicRef => ({ kind: "label", value: n })),
  ];
  const rows = await findPublicLabels(db, refs, true);
  const current = rows[0];
  if (!current) return 0; // not (or no longer) a structure: nothing to know
  const { history } = current;
  const documents = new Map(
    numbers.length === 0
      ? []
      : (
          await db
            .select({ number: credentials.labelNumber, document: credentials.document })
            .from(credentials)
            .where(inArray(credentials.labelNumber, numbers))
        ).map((r) => [r.number, r.document]),
  );
  const factsAt = now.toISOString();
  let written = 0;
  for (const [i, ref] of refs.entries()) {
    const found = rows[i];
    if (!found) continue;
    const { history: _, ...row } = found;
    const credential = row.labelNumber ? (documents.get(row.labelNumber) ?? null) : null;
    await putLastKnown(env, ref, { v: 1, factsAt, row, history, credential });
    written++;
  }
  return written;
}

/** Writes the last known copy of a status list: the one D1 holds now, whichever run signed it. */
export async function writeLastKnownStatusList(deps: Deps, purpose: StatusPurpose, list: string, now: Date) {
  const stored = await findStatusList(deps.db, purpose, list);
  if (stored)
    await putLastKnownStatusList(deps.env, purpose, list, {
      v: 1,
      factsAt: now.toISOString(),
      document: stored.document,
    });
}

export const lastKnownHandler: EffectHandler = {
  carryOut: (deps, subjects, run) =>
    eachSubject(subjects, async (subject) => {
      if (!subject.startsWith(STATUS_LIST_PREFIX)) return writeLastKnown(deps, subject, run.now);
      const s = parseStatusSubject(subject.slice(STATUS_LIST_PREFIX.length));
      // A malformed subject can never succeed: done, so it is not retried forever.
      if (s) await writeLastKnownStatusList(deps, s.purpose, s.list, run.now);
    }),
  // A few KV writes (milliseconds), before the change answers: a D1 outage right after a change still shows it.
  background: () => false,
  // The backfill of existing structures (migration 0022) goes at this pace: a few KV writes each.
  perCronRun: () => 50,
};
