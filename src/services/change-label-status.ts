/**
 * THE way a label's status changes — suspend ↔ reinstate, withdraw (final), expire (the daily job, in
 * bulk) — each in one batch holding the change, its event, the caller's `extra` statements (the webhook
 * inbox row marked applied) and the intents of its effects (src/changes/), carried out right after.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { afterChange } from "../changes/effects";
import {
  type Intent,
  intentsOf,
  labelEventStatements,
  NOTIFY_INTENT,
  type PublicChange,
  publicChangeStatements,
  statusListIntentStatements,
} from "../changes/public-change";
import { bumpLabelVersions, guardLabelVersion, staleLabelState } from "../db/label-version";
import {
  bulkStatusChange,
  currentSuspension,
  type Extra,
  getLabel,
  getLabelWithVersion,
  guardedStatusChange,
  roleOf,
} from "../db/labels";
import { refreshPublicLabels } from "../db/public-model";
import { labelEvents, labels, statusEntries } from "../db/schema";
import { conflict, forbidden, invalid } from "../domain/errors";
import { type LabelAction, liftRefusal, nextStatus, TRANSITIONS } from "../domain/label-lifecycle";
import { parisDay } from "../domain/paris-time";
import { newId } from "../lib/crypto";
import type { Deps } from "./deps";

export type StatusChange = {
  reason: string;
  /** `admin:…` or `certifier:<id>`: recorded with its role on the event. */
  actor: string;
  effectiveOn?: string;
  /** The registry's today (tests); defaults to today in France. */
  today?: string;
};

/**
 * Changes one label's status. Invalid transition → 409; `effectiveOn` (default today) after today or
 * before the award → 422; a suspension lifted by a body that did not make it → 403. Decided on the
 * structure's label version, read with the label: if any other label write on the structure landed
 * meanwhile (a status change, an award, a re-assignment), nothing of the batch lands (`extra` included)
 * → 409. Who may reinstate is thus judged on the suspension the batch itself checks (no ABA).
 */
export async function changeLabelStatus(
  deps: Deps,
  labelNumber: string,
  action: LabelAction,
  change: StatusChange,
  extra: Extra = [],
) {
  const { db } = deps;
  const now = new Date();
  const today = change.today ?? parisDay(now);
  const effectiveOn = change.effectiveOn ?? today;
  // The label and its structure's version in one read: everything below is decided on that state.
  const label = await getLabelWithVersion(db, labelNumber);
  if (!nextStatus(label.status, action)) {
    throw conflict(`Cannot ${action} label ${labelNumber}: it is ${label.status}`, [
      { path: "status", message: `${action} applies to ${TRANSITIONS[action].from.join(" or ")} labels` },
    ]);
  }
  if (effectiveOn > today) throw invalid("effectiveOn", `Must not be after today (${today})`);
  if (effectiveOn < label.awardedOn) throw invalid("effectiveOn", `Must not be before the award (${label.awardedOn})`);
  if (action === "reinstate") {
    const refusal = liftRefusal(await currentSuspension(db, labelNumber), {
      role: roleOf(change.actor),
      actor: change.actor,
    });
    if (refusal) throw forbidden(refusal);
  }
  const { statements, intents } = statusChangeBatch(
    deps,
    label,
    action,
    { reason: change.reason, actor: change.actor, effectiveOn },
    now,
  );
  statements.push(...extra);
  try {
    await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    throw staleLabelState(err, label.structureCode) ?? err;
  }
  await afterChange(deps, intents, now);
  return getLabel(db, labelNumber);
}

/**
 * The batch of one status change, read as `label.status` under the structure's `labelVersion`: the
 * version guard, the update and its event, the structure's public row and the intents of the change's effects — and those intents, which
 * `afterChange` carries out once the batch has landed. (test/factories.ts lands one without carrying
 * them out: a change whose effects are still pending.)
 */
export function statusChangeBatch(
  deps: Deps,
  label: { number: string; status: string; structureCode: string; labelVersion: number },
  action: LabelAction,
  change: { reason: string; actor: string; effectiveOn: string },
  now: Date,
): { statements: BatchItem<"sqlite">[]; intents: Intent[] } {
  const { db } = deps;
  const eventId = newId("lev");
  const publicChange: PublicChange = {
    structureCode: label.structureCode,
    labelNumbers: [label.number],
    notify: { baseUrl: deps.env.PUBLIC_BASE_URL, eventIds: [eventId] },
  };
  return {
    statements: [
      guardLabelVersion(db, label.structureCode, label.labelVersion),
      ...guardedStatusChange(db, label.number, label.status, { action, ...change, nowIso: now.toISOString() }, eventId),
      refreshPublicLabels(db, label.structureCode),
      ...publicChangeStatements(db, publicChange, now),
    ],
    intents: intentsOf(publicChange),
  };
}

/**
 * The daily expiry of `numbers` (labels past their last day), in one batch: their events and the
 * update, for those still lapsing when it runs, the structures' public rows, the caller's `extra`
 * (the e-mails) and the notifications to subscribers, handed to the queue right after. No cache purge: public answers derive « expiré » from the date and are never cached
 * past midnight (docs/adr/0005-no-purge-on-expiry.md).
 * @returns the labels THIS batch expired (an overlapping run may have taken others)
 */
export async function expireLabels(
  deps: Deps,
  part: readonly { number: string; structureCode: string }[],
  opts: { actor: string; nowIso: string; extra?: Extra },
): Promise<{ number: string; structureCode: string }[]> {
  const { db } = deps;
  const numbers = part.map((p) => p.number);
  const { events, update } = bulkStatusChange(db, numbers, {
    action: "expire",
    reason: "Fin de la période de validité",
    actor: opts.actor,
    effectiveOn: sql`date(${labels.expiresOn}, '+1 day')`,
    nowIso: opts.nowIso,
  });
  // The structures' public rows after the status change (≤ ~95 codes bound per statement).
  const refresh = refreshPublicLabels(
    db,
    part.map((p) => p.structureCode),
  );
  const extra = opts.extra ?? [];
  const now = new Date(opts.nowIso);
  const notify = labelEventStatements(db, { baseUrl: deps.env.PUBLIC_BASE_URL, expired: numbers }, now);
  // Decided in SQL (the labels still lapsing when it runs), so it never loses a race: it bumps the
  // versions of the structures it changes, and a verb decided before it lands nothing (409).
  const bump = bumpLabelVersions(
    db,
    sql`(select ${labels.structureCode} from ${labels} where +${labels.status} in ${TRANSITIONS.expire.from} and ${labels.number} in ${numbers})`,
  );
  // A suspended label that expires leaves the suspension and message lists: their bits must be cleared.
  // A valid one changes no bit (0 before, 0 after), and its lists are not signed again: signing reads the
  // whole list, once per purpose. Which labels were suspended is read in the batch, from this expiry's own
  // events (`from_status`; a label expires once), never from a read before it. The lists are those of the
  // labels' places (a year's list may have rolled over to `2026-2`), signed right after the batch like any
  // change's; what fails is left to the minute cron.
  const wasSuspended = sql`exists (select 1 from ${labelEvents} where ${labelEvents.labelNumber} = ${statusEntries.labelNumber}
    and ${labelEvents.type} = 'expired' and ${labelEvents.fromStatus} = 'suspended')`;
  const intents = statusListIntentStatements(db, numbers, opts.nowIso, wasSuspended);
  const done = await db.batch([events, ...extra, bump, update, refresh, ...notify, ...intents]);
  const expired = done[2 + extra.length] as { number: string; structureCode: string }[];
  const lists = (done.slice(-intents.length) as { subject: string }[][]).flat().map((r) => r.subject);
  await afterChange(deps, [NOTIFY_INTENT, ...lists.map((subject): Intent => ({ kind: "status-list", subject }))], now);
  return expired;
}
