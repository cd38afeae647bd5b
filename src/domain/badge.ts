/**
 * What the public sees of a label: its public status, and the words, colours and accessible text
 * of the badge, the verification page and the shields.io endpoint. Pure: no Hono, no D1.
 */

export type Tier = "bronze" | "argent" | "or";
export type StoredStatus = "valid" | "suspended" | "withdrawn" | "expired";
/** `none`: a known structure without a label. */
export type PublicStatus = StoredStatus | "none";
/** `unknown`: a code the registry does not know (badges only; the JSON answers 404). */
export type BadgeState = PublicStatus | "unknown";

export const PUBLIC_STATUSES = ["valid", "suspended", "withdrawn", "expired", "none"] as const;

export const TIER_NAMES: Record<Tier, string> = { bronze: "Bronze", argent: "Argent", or: "Or" };

export const STATUS_NAMES: Record<BadgeState, string> = {
  valid: "valide",
  suspended: "suspendu",
  withdrawn: "retiré",
  expired: "expiré",
  none: "non labellisé",
  unknown: "inconnu",
};

export const BADGE_LABEL = "Services Publics +";

/**
 * The status the public sees. A label stored `valid` whose last valid day (`expiresOn`, inclusive)
 * is before `today` shows as expired even if the daily expiry job has not run yet.
 */
export function publicStatus(label: { status: StoredStatus; expiresOn: string } | null, today: string): PublicStatus {
  if (!label) return "none";
  // The term ends whatever the cron has done yet, and a suspension does not extend it.
  if ((label.status === "valid" || label.status === "suspended") && label.expiresOn < today) return "expired";
  return label.status;
}

export { parisDay } from "./paris-time";

// Built once: a formatter is costly to construct, and the CSV writes one instant per row.
const parisWallClock = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/**
 * An instant as a French reader's clock shows it, ISO 8601 with its offset:
 * `2026-11-28T03:00:00.000Z` → `2026-11-28T04:00:00+01:00` (`+02:00` in summer).
 */
export function parisDateTime(at: Date): string {
  const parts = Object.fromEntries(parisWallClock.formatToParts(at).map((p) => [p.type, p.value]));
  const wall = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const minutes = Math.round((Date.parse(`${wall}Z`) - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** `2029-03-31` → `31/03/2029`: the short form, legible in a 20 px badge. */
export function shortFrenchDate(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

/** French month names, January first (dates on pages, figures' months). */
export const MONTHS = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];

/** `2029-03-01` → `1er mars 2029` (French typography: « 1er » for the first day). */
export function longFrenchDate(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return `${d === 1 ? "1er" : d} ${MONTHS[m - 1]} ${y}`;
}

/**
 * DSFR colours (« Système de design de l'État », tokens *-425 / blue-france-sun-113), all dark
 * enough for white text at AA contrast (≥ 4.5:1), so the badge stays legible at 11 px.
 * @see https://www.systeme-de-design.gouv.fr/fondamentaux/couleurs-palette
 */
export const COLOURS = {
  label: "#000091", // bleu France
  valid: "#18753c", // success-425
  suspended: "#b34000", // warning-425
  withdrawn: "#ce0500", // error-425
  expired: "#666666", // grey-425
  none: "#666666",
  unknown: "#666666",
} as const satisfies Record<BadgeState | "label", string>;

export type BadgeInput = { state: BadgeState; tier?: Tier | null; expiresOn?: string | null };

export type BadgeModel = {
  label: string;
  message: string;
  color: string;
  labelColor: string;
  /** What a screen reader says; the SVG carries it as `aria-label` and `<title>`. */
  ariaLabel: string;
};

/**
 * Whether the tier still means something in this state, on the badge and in the verification
 * page's headline. A valid label holds its tier; a suspended one keeps it (the suspension can be
 * lifted, and the label then stands at the same tier until the same day). A withdrawn label is
 * gone for good and an expired one ended its term: a badge « Argent · retiré » or « Bronze ·
 * expiré », read at a glance on a third-party site, still says « Argent » or « Bronze ». Their
 * tier stays in the JSON answer and in the page's history, as a fact of the past.
 */
export function tierShown(state: BadgeState): boolean {
  return state === "valid" || state === "suspended";
}

/** The badge's words: « Or · valide jusqu'au 31/03/2029 », « Argent · suspendu », « retiré »… */
export function badgeModel({ state, tier, expiresOn }: BadgeInput): BadgeModel {
  const tierName = tier && tierShown(state) ? TIER_NAMES[tier] : null;
  let message: string;
  let spoken: string;
  if (state === "valid" && tierName && expiresOn) {
    message = `${tierName} · valide jusqu'au ${shortFrenchDate(expiresOn)}`;
    spoken = `palier ${tierName}, valide jusqu'au ${longFrenchDate(expiresOn)}`;
  } else if (tierName) {
    message = `${tierName} · ${STATUS_NAMES[state]}`;
    spoken = `palier ${tierName}, label ${STATUS_NAMES[state]}`;
  } else {
    message = STATUS_NAMES[state];
    spoken =
      state === "unknown"
        ? "structure inconnue du registre"
        : state === "none"
          ? STATUS_NAMES[state]
          : `label ${STATUS_NAMES[state]}`;
  }
  return {
    label: BADGE_LABEL,
    message,
    color: COLOURS[state],
    labelColor: COLOURS.label,
    ariaLabel: `Label ${BADGE_LABEL} : ${spoken}`,
  };
}

/** A tier's picture, without status nor date: the `image` of the verifiable credentials (ADR 0006). */
export function tierPicture(tier: Tier): BadgeModel {
  return {
    label: BADGE_LABEL,
    message: `palier ${TIER_NAMES[tier]}`,
    color: COLOURS.valid,
    labelColor: COLOURS.label,
    ariaLabel: `Label ${BADGE_LABEL} : palier ${TIER_NAMES[tier]}`,
  };
}

/** Short sentence for the verification page's headline (the tier where `tierShown`). */
export function statusSentence(state: PublicStatus, tier?: Tier | null): string {
  const t = tier && tierShown(state) ? ` — palier ${TIER_NAMES[tier]}` : "";
  switch (state) {
    case "valid":
      return `Label valide${t}`;
    case "suspended":
      return `Label suspendu${t}`;
    case "withdrawn":
      return "Label retiré";
    case "expired":
      return "Label expiré";
    case "none":
      return "Cette structure n'est pas labellisée";
  }
}

/**
 * What each public status means for the person who reads it, in one sentence: the verification page
 * shows the one that applies, the home page all of them.
 */
export const STATUS_EXPLANATIONS: Record<PublicStatus, string> = {
  valid:
    "Un organisme de certification indépendant a constaté que ce service public tient les engagements de qualité " +
    "du label, au palier indiqué ; le label court jusqu'à la date affichée.",
  suspended:
    "Tant que la suspension dure, ce service public ne peut pas se prévaloir du label ; si elle est levée, " +
    "le label reprend au même palier jusqu'à sa date de fin.",
  withdrawn: "Ce service public ne détient plus le label : il lui a été retiré, et ce retrait est définitif.",
  expired:
    "Le label est arrivé au terme de sa durée de validité sans être renouvelé : ce service public ne le détient plus.",
  none: "Ce service public est connu du registre mais ne détient pas le label : il n'a pas été labellisé, ou pas encore.",
};

/** Past participles of the label events, for the history table. */
export const EVENT_NAMES: Record<string, string> = {
  awarded: "Attribué",
  suspended: "Suspendu",
  reinstated: "Rétabli",
  withdrawn: "Retiré",
  expired: "Expiré",
  renewed: "Renouvelé",
};
