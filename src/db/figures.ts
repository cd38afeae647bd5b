/**
 * « Le label en chiffres » (GET /chiffres): national figures kept as counters in `public_figures`, one row
 * per (dimension, key), so a page of figures reads a few hundred rows whatever the number of structures.
 *
 * The counters are maintained by SQLite triggers on the public read model (`public_labels`) and on `labels`
 * (migrations/0021_results_and_figures.sql): a trigger runs inside the statement that changes the row, so
 * the figures change in the same batch as every write that changes the read model — awards, status
 * changes, the daily expiry, structures registered, assigned or edited, bulk loads and backfills alike —
 * and no write path can forget them (docs/adr/0009-figures-kept-by-triggers.md).
 *
 * `figureContributions` is the one definition of what a read-model row adds to each counter: the
 * migration's triggers were generated from it, and `figuresFromScratch` recomputes every counter from the
 * tables with it, which test/figures.test.ts compares with the counters.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { publicFigures } from "./schema";

/** The dimensions of the counters: the same names in the JSON and CSV of the figures. */
export const FIGURE_DIMENSIONS = [
  /** Every current label, by stored status and tier: key `status/tier`. */
  "etat_palier",
  /** Valid labels by tier, with the users' satisfaction of the survey behind each. */
  "palier",
  /** Valid labels by network, with the users' satisfaction. */
  "reseau",
  /** Valid labels by region (key `''`: region not given). */
  "region",
  /** Valid labels by department. */
  "departement",
  /** The agents' survey behind every valid label, in one national aggregate (key `''`). */
  "agents",
  /** Candidates (assigned to a body, no label yet) by network. */
  "candidats",
  /** Among the candidates, those whose audit the DITP funds, by network. */
  "finances",
  /** Labels awarded per month (renewals included): key `YYYY-MM`. */
  "mois",
] as const;
export type FigureDimension = (typeof FIGURE_DIMENSIONS)[number];

/**
 * What one read-model row `x` (`NEW`, `OLD`, or a table alias with `from` its FROM clause) adds to the
 * counters, times `sign` (`1`, `-1`): rows `(dim, key, n, v, vn)`, one per dimension the row counts in.
 * `v` sums the users' satisfaction rate (the agents' score for `agents`) and `vn` counts the labels that
 * gave one, so an average is `value_sum / value_n`. One SELECT over `json_each` of a JSON array of
 * those rows (null where the row does not count): D1 caps the terms of a compound SELECT below the
 * dimensions' number, so no UNION ALL.
 */
export function figureContributions(x: string, sign: string, from = ""): string {
  const sat = `json_extract(${x}.results, '$.users.satisfactionRate')`;
  const none = "0, 0";
  const valued = (v: string) => `${sign} * coalesce(${v}, 0), ${sign} * (${v} IS NOT NULL)`;
  const row = (dim: string, key: string, value: string, where: string) =>
    `json(CASE WHEN ${where} THEN json_array('${dim}', ${key}, ${sign}, ${value}) END)`;
  const rows = [
    row("etat_palier", `${x}.status || '/' || ${x}.tier`, none, `${x}.label_number IS NOT NULL`),
    row("palier", `${x}.tier`, valued(sat), `${x}.status = 'valid'`),
    row("reseau", `${x}.network`, valued(sat), `${x}.status = 'valid'`),
    row("region", `coalesce(${x}.region, '')`, none, `${x}.status = 'valid'`),
    row("departement", `${x}.department`, none, `${x}.status = 'valid'`),
    row("agents", "''", valued(`${x}.agents_score`), `${x}.status = 'valid'`),
    row("candidats", `${x}.network`, none, `${x}.candidate = 1`),
    row("finances", `${x}.network`, none, `${x}.candidate = 1 AND ${x}.audit_funded = 1`),
  ];
  const cols = ["dim", "key", "n", "v", "vn"].map((c, i) => `json_extract(j.value, '$[${i}]') AS ${c}`).join(", ");
  return `SELECT ${cols} FROM ${from ? `${from}, ` : ""}json_each(json_array(\n  ${rows.join(",\n  ")})) j WHERE j.type = 'array'`;
}

/** A month's award: what one `labels` row `x` adds. */
export const monthContribution = (x: string, from = "") =>
  `SELECT 'mois' AS dim, substr(${x}.awarded_on, 1, 7) AS key, 1 AS n, 0 AS v, 0 AS vn${from ? ` FROM ${from}` : ""}`;

/** The upsert adding `rows` (a SELECT of dim, key, n, v, vn) to the counters: the triggers' one statement. */
export const addToFigures = (rows: string) =>
  `INSERT INTO public_figures (dim, key, n, value_sum, value_n)
SELECT dim, key, n, v, vn FROM (${rows}) WHERE true
ON CONFLICT (dim, key) DO UPDATE SET n = n + excluded.n, value_sum = value_sum + excluded.value_sum,
  value_n = value_n + excluded.value_n`;

/** Every counter as it should be, recomputed from the tables (tests, and the migration's first fill). */
export const FIGURES_FROM_SCRATCH = `SELECT dim, key, sum(n) AS n, sum(v) AS v, sum(vn) AS vn FROM (
${figureContributions("p", "1", "public_labels p")}
UNION ALL ${monthContribution("l", "labels l")}
) GROUP BY dim, key`;

export type FigureRow = { dim: string; key: string; n: number; valueSum: number; valueN: number };

/** Every counter still counting something: the whole of the figures, in one read. */
export async function readFigures(db: Db): Promise<FigureRow[]> {
  return db
    .select({
      dim: publicFigures.dim,
      key: publicFigures.key,
      n: publicFigures.n,
      valueSum: publicFigures.valueSum,
      valueN: publicFigures.valueN,
    })
    .from(publicFigures)
    .where(sql`${publicFigures.n} > 0`);
}

/** The counters recomputed from the tables (tests compare them with `readFigures`). */
export async function figuresFromScratch(db: Db): Promise<FigureRow[]> {
  const rows = await db.all<{ dim: string; key: string; n: number; v: number; vn: number }>(
    sql.raw(`SELECT * FROM (${FIGURES_FROM_SCRATCH}) WHERE n > 0`),
  );
  return rows.map((r) => ({ dim: r.dim, key: r.key, n: r.n, valueSum: r.v, valueN: r.vn }));
}
