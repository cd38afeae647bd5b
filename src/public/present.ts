/**
 * Public representations of a label, shared by the JSON answer, the CSV, the badge, the shields
 * endpoint and the verification page. The allow-list of published fields lives here.
 */
import type { PublicLabelRow } from "../db/public";
import {
  type BadgeState,
  badgeModel,
  type PublicStatus,
  parisDateTime,
  publicStatus,
  STATUS_NAMES,
  tierShown,
} from "../domain/badge";
import type { PublicationPolicy } from "../domain/publication";
import { type PublicResults, publishedResults } from "./results";

export type PublicLabel = {
  valid: boolean;
  status: PublicStatus;
  tier: PublicLabelRow["tier"];
  labelNumber: string | null;
  awardedOn: string | null;
  expiresOn: string | null;
  supersededBy: string | null;
  structure: {
    code: string;
    name: string;
    network: string;
    city: string;
    department: string;
    /** Only when the publication policy publishes audit funding per structure. */
    auditFundedByDitp?: boolean;
  };
  certifier: { name: string } | null;
  /** The survey and audit behind the current label, as far as the publication policy publishes them. */
  results: PublicResults | null;
  checkedAt: string;
  permalink: string;
  /** Only when D1 failed: the answer is the last known one (src/public/last-known.ts), as of `factsAt`. */
  stale?: true;
  factsAt?: string;
};

export function toPublicLabel(
  r: PublicLabelRow,
  today: string,
  checkedAt: string,
  baseUrl: string,
  policy: PublicationPolicy,
): PublicLabel {
  const status = publicStatus(
    r.labelNumber && r.status && r.expiresOn ? { status: r.status, expiresOn: r.expiresOn } : null,
    today,
  );
  return {
    valid: status === "valid",
    status,
    tier: r.tier,
    labelNumber: r.labelNumber,
    awardedOn: r.awardedOn,
    expiresOn: r.expiresOn,
    supersededBy: r.supersededBy,
    structure: {
      code: r.code,
      name: r.name,
      network: r.network,
      city: r.city,
      department: r.department,
      ...(policy.auditFunding === "per-structure" ? { auditFundedByDitp: r.auditFunded } : {}),
    },
    certifier: r.certifierName ? { name: r.certifierName } : null,
    // While the label's tier is shown (valid, suspended): a withdrawn or expired label no longer vouches for them.
    results: r.labelNumber && tierShown(status) ? publishedResults(r.results, policy) : null,
    checkedAt,
    permalink: new URL(`/verify/${encodeURIComponent(r.code)}`, baseUrl).toString(),
  };
}

/** The badge (and shields) words for a public label, or for an unknown ref. */
export function badgeFor(l: PublicLabel | null) {
  const state: BadgeState = l ? l.status : "unknown";
  return badgeModel({ state, tier: l?.tier, expiresOn: l?.expiresOn });
}

const ENGAGEMENT_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

/** A number as French spreadsheets read it (decimal comma, no grouping); empty when there is none. */
export const csvNumber = (x: number | null | undefined) =>
  x === null || x === undefined ? "" : String(x).replace(".", ",");

/**
 * CSV columns: French open-data names, the first one the DITP's join key; values in French too.
 * Their dictionary (columns and values) is in docs/integrators.md: keep both in step.
 */
export const CSV_COLUMNS = [
  ["code_sp_de_la_structure", (l: PublicLabel) => l.structure.code],
  ["intitule_de_la_structure", (l: PublicLabel) => l.structure.name],
  ["reseau", (l: PublicLabel) => l.structure.network],
  ["ville", (l: PublicLabel) => l.structure.city],
  ["departement", (l: PublicLabel) => l.structure.department],
  ["numero_label", (l: PublicLabel) => l.labelNumber ?? ""],
  ["palier", (l: PublicLabel) => l.tier ?? ""],
  ["statut", (l: PublicLabel) => STATUS_NAMES[l.status]],
  ["valide", (l: PublicLabel) => (l.valid ? "oui" : "non")],
  ["date_attribution", (l: PublicLabel) => l.awardedOn ?? ""],
  ["date_expiration", (l: PublicLabel) => l.expiresOn ?? ""],
  ["organisme_certification", (l: PublicLabel) => l.certifier?.name ?? ""],
  ["verifie_le", (l: PublicLabel) => parisDateTime(new Date(l.checkedAt))],
  ["permalien", (l: PublicLabel) => l.permalink],
  // The results behind the label (issue 25), as far as the publication policy publishes them: empty otherwise.
  ["enquete_usagers_debut", (l: PublicLabel) => l.results?.usersSurvey?.periodStart ?? ""],
  ["enquete_usagers_fin", (l: PublicLabel) => l.results?.usersSurvey?.periodEnd ?? ""],
  ["usagers_invites", (l: PublicLabel) => csvNumber(l.results?.usersSurvey?.invited)],
  ["usagers_repondants", (l: PublicLabel) => csvNumber(l.results?.usersSurvey?.respondents)],
  ["taux_satisfaction_usagers", (l: PublicLabel) => csvNumber(l.results?.usersSurvey?.satisfactionRate)],
  ["satisfaction_nette_usagers", (l: PublicLabel) => csvNumber(l.results?.usersSurvey?.netSatisfaction)],
  ["date_audit", (l: PublicLabel) => l.results?.audit?.auditedOn ?? ""],
  ["seuil_engagement_palier", (l: PublicLabel) => csvNumber(l.results?.audit?.threshold)],
  ["engagements_atteints", (l: PublicLabel) => csvNumber(l.results?.audit?.engagementsMet)],
  ...ENGAGEMENT_NUMBERS.map(
    (n) =>
      [
        `score_engagement_${n}`,
        (l: PublicLabel) => csvNumber(l.results?.audit?.engagements.find((e) => e.number === n)?.score),
      ] as const,
  ),
] as const;

/**
 * CSV as French spreadsheets open it: UTF-8 with a byte-order mark (so accents survive Excel),
 * `;` as separator (`,` is the French decimal mark), CRLF line ends, RFC 4180 quoting. A cell
 * starting with `=`, `+`, `-` or `@` is prefixed with `'` so no formula runs (CSV injection).
 * @see https://www.rfc-editor.org/rfc/rfc4180
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
export function toCsv(items: readonly PublicLabel[]): string {
  return csvDocument(
    CSV_COLUMNS.map(([h]) => h),
    items.map((l) => CSV_COLUMNS.map(([, f]) => f(l))),
  );
}

/** A CSV document in the registry's one dialect (above): the labels' and the figures' alike. */
export function csvDocument(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => {
    // A negative number (« -5 », « -2,5 ») is data, not a formula: it stays a number for spreadsheets and schemas.
    const safe = /^[=+\-@\t\r]/.test(v) && !/^-\d+(,\d+)?$/.test(v) ? `'${v}` : v;
    return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [header.join(";")];
  for (const r of rows) lines.push(r.map(cell).join(";"));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
