/**
 * The « Résultats » section of a labelled service's verification page (issue 25): what its users said in
 * the survey behind the label, and the audit's score per engagement against the tier's threshold — each
 * figure with a sentence saying what it means, a small chart and its table. What is shown is what the
 * publication policy publishes (src/public/results.ts): nothing here decides it.
 */
import { longFrenchDate, TIER_NAMES } from "../domain/badge";
import type { HistoryResults, PublicResults } from "../public/results";
import { BarChart, ChartWithTable, DSFR, frNumber, frPercent, frPoints } from "./charts";

const AUDIT_KINDS: Record<string, string> = {
  initial: "audit initial",
  suivi: "audit de suivi",
  renouvellement: "audit de renouvellement",
};

function Figure(props: { term: string; value: string; meaning: string }) {
  return (
    <>
      <dt>{props.term}</dt>
      <dd>
        <strong>{props.value}</strong>
        <br />
        <span class="fr-text--sm">{props.meaning}</span>
      </dd>
    </>
  );
}

function UsersSurvey({ u }: { u: NonNullable<PublicResults["usersSurvey"]> }) {
  const period = `du ${longFrenchDate(u.periodStart)} au ${longFrenchDate(u.periodEnd)}`;
  return (
    <>
      <h3>Ce qu'en disent les usagers</h3>
      <p>Enquête menée auprès des usagers {period}.</p>
      <dl id="enquete-usagers">
        {u.satisfactionRate !== null ? (
          <Figure
            term="Taux de satisfaction"
            value={frPercent(u.satisfactionRate)}
            meaning="Part des usagers ayant répondu qui se disent satisfaits du service."
          />
        ) : null}
        {u.netSatisfaction !== null ? (
          <Figure
            term="Satisfaction nette"
            value={frPoints(u.netSatisfaction)}
            meaning="Part des usagers satisfaits moins part des mécontents : plus elle est haute, plus les avis positifs l'emportent (de −100 à +100)."
          />
        ) : null}
        <Figure
          term="Usagers ayant répondu"
          value={
            u.invited !== null
              ? `${frNumber(u.respondents)} sur ${frNumber(u.invited)} invités${u.responseRate !== null ? ` (${frPercent(u.responseRate)})` : ""}`
              : frNumber(u.respondents)
          }
          meaning="Nombre d'usagers qui ont répondu à l'enquête, parmi ceux qui ont été invités à y répondre."
        />
        <Figure
          term="Période de l'enquête"
          value={period}
          meaning="Les avis recueillis portent sur le service rendu pendant cette période."
        />
      </dl>
    </>
  );
}

function Audit({ a, official }: { a: NonNullable<PublicResults["audit"]>; official: boolean }) {
  const tier = TIER_NAMES[a.tier];
  const thresholdText = a.threshold !== null ? `${frNumber(a.threshold)} sur 100` : null;
  return (
    <>
      <h3>L'audit, engagement par engagement</h3>
      <p>
        Audit du {longFrenchDate(a.auditedOn)} ({AUDIT_KINDS[a.kind] ?? "audit"}), mené par l'organisme de certification
        sur les 8 engagements du programme.{" "}
        {thresholdText
          ? `Chaque score (sur 100) est comparé au seuil du palier ${tier} : ${thresholdText}. ${frNumber(a.engagementsMet)} engagement${a.engagementsMet > 1 ? "s" : ""} sur ${a.engagements.length} atteignent ce seuil.`
          : "Le référentiel ne fixe pas de seuil par engagement pour ce palier."}
      </p>
      {official ? null : (
        <p class="fr-text--sm">
          Les seuils viennent d'un référentiel d'illustration : ce ne sont pas les seuils officiels du label.
        </p>
      )}
      <ChartWithTable
        chart={
          <BarChart
            id="graphique-audit"
            title="Score de l'audit par engagement"
            description={`Scores sur 100 des engagements 1 à 8${thresholdText ? `, comparés au seuil du palier ${tier} (${thresholdText})` : ""}. Les valeurs exactes sont dans le tableau qui suit.`}
            max={100}
            bars={a.engagements.map((e) => ({
              label: `${e.number}. ${e.name}`,
              value: e.score,
              colour: e.meetsThreshold === false ? DSFR.red : DSFR.blue,
            }))}
            threshold={
              a.threshold !== null
                ? { value: a.threshold, label: `Seuil ${tier} : ${frNumber(a.threshold)}` }
                : undefined
            }
          />
        }
        table={
          <div class="fr-table fr-table--no-caption">
            {/* The DSFR scrolls a table wider than a phone: the keyboard must reach it (axe scrollable-region-focusable). */}
            <table id="tableau-audit" tabindex={0}>
              <caption>Score de l'audit par engagement</caption>
              <thead>
                <tr>
                  <th scope="col">Engagement</th>
                  <th scope="col">Score sur 100</th>
                  <th scope="col">Seuil {tier} atteint ?</th>
                </tr>
              </thead>
              <tbody>
                {a.engagements.map((e) => (
                  <tr>
                    <th scope="row">
                      {e.number}. {e.name}
                    </th>
                    <td>{frNumber(e.score)}</td>
                    <td>{e.meetsThreshold === null ? "pas de seuil" : e.meetsThreshold ? "oui" : "non"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        }
      />
    </>
  );
}

/** The section, or nothing when nothing is published for this label. */
export function Results({ r }: { r: PublicResults | null }) {
  if (!r) return null;
  return (
    <section id="resultats" aria-labelledby="resultats-titre">
      <h2 id="resultats-titre">Résultats</h2>
      <p>
        Voici les résultats de qualité de service sur lesquels l'organisme de certification a fondé sa décision du{" "}
        {longFrenchDate(r.decidedOn)}.
      </p>
      {r.usersSurvey ? <UsersSurvey u={r.usersSurvey} /> : null}
      {r.audit ? <Audit a={r.audit} official={r.referential.official} /> : null}
    </section>
  );
}

/** An award's results in the history table, in one sentence (empty for other events). */
export function historyResultsText(r: HistoryResults | undefined): string {
  if (!r) return "";
  const parts: string[] = [];
  if (r.usersSurvey) {
    const sat =
      r.usersSurvey.satisfactionRate !== null
        ? ` : ${frPercent(r.usersSurvey.satisfactionRate)} d'usagers satisfaits`
        : "";
    parts.push(
      `enquête usagers du ${longFrenchDate(r.usersSurvey.periodStart)} au ${longFrenchDate(r.usersSurvey.periodEnd)}${sat}`,
    );
  }
  if (r.audit) {
    parts.push(
      `audit du ${longFrenchDate(r.audit.auditedOn)} : score moyen ${frNumber(r.audit.averageScore)} sur 100, ${r.audit.engagementsMet} engagement${r.audit.engagementsMet > 1 ? "s" : ""} au seuil du palier`,
    );
  }
  const text = parts.join(" ; ");
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.` : "";
}
