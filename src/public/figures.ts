/**
 * « Le label en chiffres »: the national figures built from the counters (src/db/figures.ts) and cut by
 * the publication policy — the same object for the page, the JSON and the CSV of /chiffres.
 */
import type { FigureRow } from "../db/figures";
import { LABEL_STATUSES, type LabelStatus, TIERS, type Tier } from "../db/schema";
import { MONTHS, STATUS_NAMES, TIER_NAMES } from "../domain/badge";
import type { PublicationPolicy } from "../domain/publication";

const round1 = (x: number) => Math.round(x * 10) / 10;
/** An average over `n` values, or null when none (or when the policy does not publish it). */
const mean = (sum: number, n: number) => (n > 0 ? round1(sum / n) : null);

export type Figures = {
  /** Current labels (one per labelled structure) by stored status and tier. */
  labelsByStatusAndTier: { status: LabelStatus; tier: Tier; labels: number }[];
  validLabels: number;
  /** Valid labels by tier, with their users' average satisfaction. */
  byTier: { tier: Tier; labels: number; usersSatisfaction: number | null; surveys: number }[];
  byNetwork: { network: string; labels: number; usersSatisfaction: number | null; surveys: number }[];
  byRegion: { region: string | null; labels: number }[];
  byDepartment: { department: string; labels: number }[];
  awardedByMonth: { month: string; labels: number }[];
  /** Structures assigned to a body and not labelled yet, by network; `funded`: the DITP funds their audit. */
  candidatesByNetwork: { network: string; candidates: number; funded: number | null }[];
  candidates: number;
  funded: number | null;
  /** The agents' survey behind every valid label, in one national aggregate (null: not published). */
  agents: { surveys: number; averageScore: number | null } | null;
};

const byDesc =
  <T>(f: (x: T) => number, name: (x: T) => string) =>
  (a: T, b: T) =>
    f(b) - f(a) || name(a).localeCompare(name(b), "fr");

export function buildFigures(rows: readonly FigureRow[], policy: PublicationPolicy): Figures {
  const of = (dim: string) => rows.filter((r) => r.dim === dim && r.n > 0);
  const users = policy.usersSurvey !== "none";
  const funding = policy.auditFunding !== "none";
  const sat = (r: FigureRow) => (users ? mean(r.valueSum, r.valueN) : null);
  const stateRows = of("etat_palier");
  const labelsByStatusAndTier = LABEL_STATUSES.flatMap((status) =>
    TIERS.map((tier) => ({
      status,
      tier,
      labels: stateRows.find((r) => r.key === `${status}/${tier}`)?.n ?? 0,
    })),
  );
  const tierRows = of("palier");
  const funded = new Map(of("finances").map((r) => [r.key, r.n]));
  const candidatesByNetwork = of("candidats")
    .map((r) => ({ network: r.key, candidates: r.n, funded: funding ? (funded.get(r.key) ?? 0) : null }))
    .sort(
      byDesc(
        (x) => x.candidates,
        (x) => x.network,
      ),
    );
  const agentRow = of("agents")[0];
  return {
    labelsByStatusAndTier,
    validLabels: labelsByStatusAndTier.filter((x) => x.status === "valid").reduce((s, x) => s + x.labels, 0),
    byTier: TIERS.map((tier) => {
      const r = tierRows.find((x) => x.key === tier);
      return {
        tier,
        labels: r?.n ?? 0,
        usersSatisfaction: r ? sat(r) : null,
        surveys: users ? (r?.valueN ?? 0) : 0,
      };
    }),
    byNetwork: of("reseau")
      .map((r) => ({ network: r.key, labels: r.n, usersSatisfaction: sat(r), surveys: users ? r.valueN : 0 }))
      .sort(
        byDesc(
          (x) => x.labels,
          (x) => x.network,
        ),
      ),
    byRegion: of("region")
      .map((r) => ({ region: r.key === "" ? null : r.key, labels: r.n }))
      .sort(
        byDesc(
          (x) => x.labels,
          (x) => x.region ?? "",
        ),
      ),
    byDepartment: of("departement")
      .map((r) => ({ department: r.key, labels: r.n }))
      .sort((a, b) => a.department.localeCompare(b.department, "fr", { numeric: true })),
    awardedByMonth: of("mois")
      .map((r) => ({ month: r.key, labels: r.n }))
      .sort((a, b) => a.month.localeCompare(b.month)),
    candidatesByNetwork,
    candidates: candidatesByNetwork.reduce((s, x) => s + x.candidates, 0),
    funded: funding ? candidatesByNetwork.reduce((s, x) => s + (x.funded ?? 0), 0) : null,
    agents:
      policy.agentsSurvey === "national"
        ? { surveys: agentRow?.valueN ?? 0, averageScore: agentRow ? mean(agentRow.valueSum, agentRow.valueN) : null }
        : null,
  };
}

/** "2026-03" → « mars 2026 ». */
export const frenchMonth = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1] ?? m.slice(5, 7)} ${m.slice(0, 4)}`;
export const regionName = (r: string | null) => r ?? "Région non renseignée";

/** The indicators of the figures' CSV (long format: one line per indicator and key), in French. */
export const FIGURE_INDICATORS = {
  labels_par_statut_et_palier: "Labels en cours par statut et palier",
  labels_valides_par_palier: "Labels valides par palier",
  labels_valides_par_reseau: "Labels valides par réseau",
  labels_valides_par_region: "Labels valides par région",
  labels_valides_par_departement: "Labels valides par département",
  labels_attribues_par_mois: "Labels attribués par mois (renouvellements compris)",
  satisfaction_usagers_par_palier: "Satisfaction moyenne des usagers par palier (en %)",
  satisfaction_usagers_par_reseau: "Satisfaction moyenne des usagers par réseau (en %)",
  candidats_par_reseau: "Structures candidates par réseau",
  candidats_finances_par_reseau: "Structures candidates dont la DITP finance l'audit, par réseau",
  score_agents_national: "Score moyen de l'enquête agents, national (sur 100)",
} as const;
export type FigureIndicator = keyof typeof FIGURE_INDICATORS;

export type FigureLine = {
  indicateur: FigureIndicator;
  cle: string;
  libelle: string;
  valeur: number | null;
  /** For an average: how many labels' surveys it is computed over. */
  effectif: number | null;
};

/** The figures as lines (CSV, and the JSON's `lines`): every value the page shows. */
export function figureLines(f: Figures): FigureLine[] {
  const L = (
    indicateur: FigureIndicator,
    cle: string,
    libelle: string,
    valeur: number | null,
    effectif: number | null = null,
  ) => ({
    indicateur,
    cle,
    libelle,
    valeur,
    effectif,
  });
  return [
    ...f.labelsByStatusAndTier.map((x) =>
      L(
        "labels_par_statut_et_palier",
        `${x.status}/${x.tier}`,
        `${STATUS_NAMES[x.status]}, ${TIER_NAMES[x.tier]}`,
        x.labels,
      ),
    ),
    ...f.byTier.map((x) => L("labels_valides_par_palier", x.tier, TIER_NAMES[x.tier], x.labels)),
    ...f.byNetwork.map((x) => L("labels_valides_par_reseau", x.network, x.network, x.labels)),
    ...f.byRegion.map((x) => L("labels_valides_par_region", x.region ?? "", regionName(x.region), x.labels)),
    ...f.byDepartment.map((x) =>
      L("labels_valides_par_departement", x.department, `Département ${x.department}`, x.labels),
    ),
    ...f.awardedByMonth.map((x) => L("labels_attribues_par_mois", x.month, frenchMonth(x.month), x.labels)),
    ...f.byTier
      .filter((x) => x.usersSatisfaction !== null)
      .map((x) => L("satisfaction_usagers_par_palier", x.tier, TIER_NAMES[x.tier], x.usersSatisfaction, x.surveys)),
    ...f.byNetwork
      .filter((x) => x.usersSatisfaction !== null)
      .map((x) => L("satisfaction_usagers_par_reseau", x.network, x.network, x.usersSatisfaction, x.surveys)),
    ...f.candidatesByNetwork.map((x) => L("candidats_par_reseau", x.network, x.network, x.candidates)),
    ...f.candidatesByNetwork
      .filter((x) => x.funded !== null)
      .map((x) => L("candidats_finances_par_reseau", x.network, x.network, x.funded)),
    ...(f.agents && f.agents.averageScore !== null
      ? [L("score_agents_national", "", "France entière", f.agents.averageScore, f.agents.surveys)]
      : []),
  ];
}

export const FIGURE_CSV_COLUMNS = ["indicateur", "cle", "libelle", "valeur", "effectif"] as const;
