/**
 * The label's status machine (DOMAIN.md « Label status »): valid → suspended ↔ valid; withdrawn is
 * final; expired ends the term. Suspension is reversible, withdrawal is not (as W3C Bitstring Status
 * List separates suspension from revocation).
 */
/** Mirrors `LABEL_STATUSES` in src/db/schema.ts (the domain does not import the database layer). */
export type LabelStatus = "valid" | "suspended" | "withdrawn" | "expired";

export const LABEL_ACTIONS = ["suspend", "reinstate", "withdraw", "expire"] as const;
export type LabelAction = (typeof LABEL_ACTIONS)[number];

/** For each action: the statuses it applies to, the status it leads to, and the event it records. */
export const TRANSITIONS: Record<
  LabelAction,
  { from: readonly LabelStatus[]; to: LabelStatus; event: "suspended" | "reinstated" | "withdrawn" | "expired" }
> = {
  suspend: { from: ["valid"], to: "suspended", event: "suspended" },
  reinstate: { from: ["suspended"], to: "valid", event: "reinstated" },
  withdraw: { from: ["valid", "suspended"], to: "withdrawn", event: "withdrawn" },
  expire: { from: ["valid", "suspended"], to: "expired", event: "expired" },
};

/** The next status, or null when `action` is not allowed from `status`. */
export function nextStatus(status: LabelStatus, action: LabelAction): LabelStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(status) ? t.to : null;
}

export type Actor = { role: "admin" | "certifier" | "system"; actor: string };

/**
 * Who may lift a suspension: the administration (the commission) lifts any; a body lifts only a
 * suspension it made itself — never one the administration decided, nor another body's.
 * @returns why `by` may not reinstate, or null when it may
 */
export function liftRefusal(suspendedBy: Actor | null, by: Actor): string | null {
  if (by.role === "admin" || !suspendedBy) return null;
  if (suspendedBy.role !== "certifier") {
    return "This label was suspended by the administration: only the administration can reinstate it";
  }
  if (suspendedBy.actor !== by.actor) {
    return "This label was suspended by another certification body: only it or the administration can reinstate it";
  }
  return null;
}
