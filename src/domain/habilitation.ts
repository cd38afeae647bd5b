/**
 * Whether a certification body may act for a structure. Pure: the caller loads the rows.
 * Only a body habilitated by the commission nationale du label may audit (arrêté du 31 août 2023),
 * and it acts only for the structures that chose it.
 *
 * A body acts on the day it sends. Judged on the day a delivery was received (Europe/Paris):
 * - a decision or a status change (an *act*) needs the habilitation on that day, and on the day it
 *   is dated: a body whose habilitation ended yesterday can no longer award by dating its event yesterday;
 * - an audit or a survey (a *result*) must have been performed while habilitated, and may still
 *   arrive for a grace period after the habilitation ended (reports are written after the audit);
 * - nothing may be dated after the day it was received.
 */
import { addDays } from "./label-dates";

export type Habilitation = { status: "active" | "suspended" | "revoked"; from: string; until: string };

/** `act`: label.decision, label.suspended|reinstated|withdrawn. `result`: audits and surveys. */
export type EventKind = "act" | "result";

/** Active, and `day` (YYYY-MM-DD) within [from, until], both inclusive. */
export function isHabilitatedOn(h: Habilitation, day: string): boolean {
  return h.status === "active" && h.from <= day && day <= h.until;
}

/**
 * Why a body may not send an event of `kind` dated `on` and received on `receivedOn`, or null.
 * `graceDays`: how long after the habilitation's last day results performed before it may arrive.
 */
export function habilitationRefusal(
  h: Habilitation,
  event: { kind: EventKind; on: string; receivedOn: string },
  graceDays: number,
): string | null {
  if (h.status !== "active") return `The body's habilitation is ${h.status}`;
  const period = `(habilitation ${h.from} – ${h.until})`;
  if (!isHabilitatedOn(h, event.on)) return `The body is not habilitated on ${event.on} ${period}`;
  if (event.kind === "act") {
    return isHabilitatedOn(h, event.receivedOn)
      ? null
      : `A decision or status change is taken on the day it is sent: the body is not habilitated on ${event.receivedOn}, the day it was received ${period}`;
  }
  const lastArrival = addDays(h.until, graceDays);
  return event.receivedOn <= lastArrival
    ? null
    : `Results performed while habilitated are accepted until ${lastArrival} (${graceDays} days after the habilitation ended); this one was received on ${event.receivedOn}`;
}

/** The dated fields after `today`: each is an error naming its path. */
export function futureDates(dates: ReadonlyArray<{ path: string; day: string }>, today: string) {
  return dates
    .filter((d) => d.day > today)
    .map((d) => ({ path: d.path, message: `Must not be after the day it is sent (${today}, Europe/Paris)` }));
}

/** Why a body may not report about a structure currently assigned to `assignedCertifierId`, or null. */
export function assignmentRefusal(certifierId: string, assignedCertifierId: string | null): string | null {
  return assignedCertifierId === certifierId ? null : "The structure is not assigned to this body";
}
