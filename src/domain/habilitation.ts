/**
 * Whether a certification body may act for a structure. Pure: the caller loads the rows.
 * Only a body habilitated by the commission nationale du label may audit (arrêté du 31 août 2023),
 * and it acts only for the structures that chose it.
 */

export type Habilitation = { status: "active" | "suspended" | "revoked"; from: string; until: string };

/** Active, and `day` (YYYY-MM-DD) within [from, until], both inclusive. */
export function isHabilitatedOn(h: Habilitation, day: string): boolean {
  return h.status === "active" && h.from <= day && day <= h.until;
}

/** Why a body may not report an event dated `day`, or null if its habilitation covers it. */
export function habilitationRefusal(h: Habilitation, day: string): string | null {
  if (isHabilitatedOn(h, day)) return null;
  return h.status === "active"
    ? `The body is not habilitated on ${day} (habilitation ${h.from} – ${h.until})`
    : `The body's habilitation is ${h.status}`;
}

/** Why a body may not report about a structure currently assigned to `assignedCertifierId`, or null. */
export function assignmentRefusal(certifierId: string, assignedCertifierId: string | null): string | null {
  return assignedCertifierId === certifierId ? null : "The structure is not assigned to this body";
}
