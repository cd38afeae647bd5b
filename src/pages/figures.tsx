/**
 * « Le label en chiffres » (/chiffres): the national figures of the label, each as a small SVG chart with
 * its data table, and the same figures as CSV and JSON. Built from `Figures` (src/public/figures.ts).
 */
import type { Child } from "hono/jsx";
import { LABEL_STATUSES, TIERS } from "../db/schema";
import { STATUS_NAMES, TIER_NAMES } from "../domain/badge";
import { type Figures, frenchMonth, regionName } from "../public/figures";
import { type Bar, BarChart, ChartWithTable, DSFR, frNumber, frPercent } from "./charts";
import { Layout } from "./layout";

const TIER_COLOURS = { bronze: "#8d533e", argent: "#53657d", or: "#716043" } as const;

function SimpleTable(props: {
  id: string;
  caption: string;
  head: readonly string[];
  rows: readonly (readonly Child[])[];
}) {
  return (
    <div class="fr-table">
      <table id={props.id}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([first, ...rest]) => (
            <tr>
              <th scope="row">{first}</th>
              {rest.map((c) => (
                <td>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A figure: its heading, the sentence saying what it counts, then the chart and its table (or « aucun »). */
function Section(props: { id: string; title: string; meaning: string; empty: boolean; chart: Child; table: Child }) {
  return (
    <section aria-labelledby={`${props.id}-titre`}>
      <h2 id={`${props.id}-titre`}>{props.title}</h2>
      <p>{props.meaning}</p>
      {props.empty ? <p>Aucun pour le moment.</p> : <ChartWithTable chart={props.chart} table={props.table} />}
    </section>
  );
}

const sat = (x: number | null) => (x === null ? "—" : frPercent(x));

/** `indexable`: offered to search engines like the other public pages (production only, `indexable(env)`). */
export function FiguresPage({ f, indexable }: { f: Figures; indexable?: boolean }) {
  const current = f.labelsByStatusAndTier.reduce((s, x) => s + x.labels, 0);
  const tierBars: Bar[] = f.byTier.map((x) => ({
    label: TIER_NAMES[x.tier],
    value: x.labels,
    colour: TIER_COLOURS[x.tier],
  }));
  const satTiers = f.byTier.filter((x) => x.usersSatisfaction !== null);
  const satNetworks = f.byNetwork.filter((x) => x.usersSatisfaction !== null);
  return (
    <Layout title="Le label en chiffres — Services Publics +" indexable={indexable}>
      <h1>Le label en chiffres</h1>
      <p class="fr-text--lead">
        {frNumber(f.validLabels)} service{f.validLabels > 1 ? "s" : ""} public{f.validLabels > 1 ? "s" : ""} label
        {f.validLabels > 1 ? "lisés" : "lisé"} aujourd'hui, {frNumber(f.candidates)} candidat
        {f.candidates > 1 ? "s" : ""} en cours.
      </p>
      <p>
        Ces chiffres sont calculés à partir du registre du label, mis à jour à chaque décision. Ils sont aussi
        disponibles en{" "}
        <a class="fr-link" href="/chiffres.csv">
          fichier CSV
        </a>{" "}
        et en{" "}
        <a class="fr-link" href="/chiffres.json">
          JSON
        </a>
        , décrits avec la liste des labels dans le{" "}
        <a class="fr-link" href="/datapackage.json">
          paquet de données ouvertes
        </a>
        .
      </p>

      <Section
        id="statuts"
        title="Les labels par statut et par palier"
        meaning={`Chaque service public labellisé compte une fois, avec son label en cours : ${frNumber(current)} au total, dont ${frNumber(f.validLabels)} valides.`}
        empty={current === 0}
        chart={
          <BarChart
            id="graphique-paliers"
            title="Labels valides par palier"
            description={`Nombre de labels valides par palier : ${f.byTier.map((x) => `${TIER_NAMES[x.tier]} ${x.labels}`).join(", ")}.`}
            bars={tierBars}
          />
        }
        table={
          <SimpleTable
            id="tableau-statuts"
            caption="Labels en cours par statut et par palier"
            head={["Statut", ...TIERS.map((t) => TIER_NAMES[t])]}
            rows={LABEL_STATUSES.map((s) => [
              STATUS_NAMES[s],
              ...TIERS.map((t) =>
                frNumber(f.labelsByStatusAndTier.find((x) => x.status === s && x.tier === t)?.labels ?? 0),
              ),
            ])}
          />
        }
      />

      <Section
        id="reseaux"
        title="Par réseau"
        meaning="Nombre de labels valides dans chaque réseau de services publics (caisses, préfectures, communes…)."
        empty={f.byNetwork.length === 0}
        chart={
          <BarChart
            id="graphique-reseaux"
            title="Labels valides par réseau"
            description="Nombre de labels valides par réseau, du plus grand au plus petit. Les valeurs sont dans le tableau qui suit."
            bars={f.byNetwork.map((x) => ({ label: x.network, value: x.labels }))}
          />
        }
        table={
          <SimpleTable
            id="tableau-reseaux"
            caption="Labels valides par réseau"
            head={["Réseau", "Labels valides"]}
            rows={f.byNetwork.map((x) => [x.network, frNumber(x.labels)])}
          />
        }
      />

      <Section
        id="regions"
        title="Par région"
        meaning="Nombre de labels valides dans chaque région, selon la région déclarée pour chaque service public."
        empty={f.byRegion.length === 0}
        chart={
          <BarChart
            id="graphique-regions"
            title="Labels valides par région"
            description="Nombre de labels valides par région. Les valeurs sont dans le tableau qui suit."
            bars={f.byRegion.map((x) => ({ label: regionName(x.region), value: x.labels }))}
          />
        }
        table={
          <SimpleTable
            id="tableau-regions"
            caption="Labels valides par région"
            head={["Région", "Labels valides"]}
            rows={f.byRegion.map((x) => [regionName(x.region), frNumber(x.labels)])}
          />
        }
      />

      <Section
        id="departements"
        title="Par département"
        meaning="Nombre de labels valides dans chaque département (numéro du département)."
        empty={f.byDepartment.length === 0}
        chart={
          <BarChart
            id="graphique-departements"
            title="Labels valides par département"
            description="Nombre de labels valides par département, dans l'ordre des numéros. Les valeurs sont dans le tableau qui suit."
            bars={f.byDepartment.map((x) => ({ label: `Département ${x.department}`, value: x.labels }))}
          />
        }
        table={
          <SimpleTable
            id="tableau-departements"
            caption="Labels valides par département"
            head={["Département", "Labels valides"]}
            rows={f.byDepartment.map((x) => [x.department, frNumber(x.labels)])}
          />
        }
      />

      <Section
        id="mois"
        title="Labels attribués chaque mois"
        meaning="Nombre de labels attribués par les organismes de certification chaque mois, renouvellements compris."
        empty={f.awardedByMonth.length === 0}
        chart={
          <BarChart
            id="graphique-mois"
            title="Labels attribués par mois"
            description="Nombre de labels attribués chaque mois, du plus ancien au plus récent. Les valeurs sont dans le tableau qui suit."
            bars={f.awardedByMonth.map((x) => ({ label: frenchMonth(x.month), value: x.labels }))}
          />
        }
        table={
          <SimpleTable
            id="tableau-mois"
            caption="Labels attribués par mois"
            head={["Mois", "Labels attribués"]}
            rows={f.awardedByMonth.map((x) => [frenchMonth(x.month), frNumber(x.labels)])}
          />
        }
      />

      <Section
        id="satisfaction"
        title="La satisfaction des usagers"
        meaning="Moyenne, sur les labels valides, du taux de satisfaction mesuré par l'enquête auprès des usagers qui a fondé chaque label : la part des usagers ayant répondu qui se disent satisfaits."
        empty={satTiers.length === 0}
        chart={
          <BarChart
            id="graphique-satisfaction"
            title="Satisfaction moyenne des usagers par palier"
            description={`Taux de satisfaction moyen des usagers, en pourcentage, par palier : ${satTiers.map((x) => `${TIER_NAMES[x.tier]} ${sat(x.usersSatisfaction)}`).join(", ")}.`}
            max={100}
            bars={satTiers.map((x) => ({
              label: TIER_NAMES[x.tier],
              value: x.usersSatisfaction ?? 0,
              text: sat(x.usersSatisfaction),
              colour: TIER_COLOURS[x.tier],
            }))}
          />
        }
        table={
          <SimpleTable
            id="tableau-satisfaction"
            caption="Satisfaction moyenne des usagers, par palier puis par réseau"
            head={["Palier ou réseau", "Satisfaction moyenne", "Enquêtes prises en compte"]}
            rows={[
              ...satTiers.map((x) => [`Palier ${TIER_NAMES[x.tier]}`, sat(x.usersSatisfaction), frNumber(x.surveys)]),
              ...satNetworks.map((x) => [x.network, sat(x.usersSatisfaction), frNumber(x.surveys)]),
            ]}
          />
        }
      />

      <Section
        id="candidats"
        title="Les candidats"
        meaning={
          f.funded === null
            ? "Services publics qui ont choisi un organisme de certification et ne sont pas encore labellisés, par réseau."
            : `Services publics qui ont choisi un organisme de certification et ne sont pas encore labellisés, par réseau ; parmi eux, ${frNumber(f.funded)} ont un audit financé par la DITP.`
        }
        empty={f.candidatesByNetwork.length === 0}
        chart={
          <BarChart
            id="graphique-candidats"
            title="Candidats au label par réseau"
            description="Nombre de structures candidates par réseau. Les valeurs, et les audits financés par la DITP, sont dans le tableau qui suit."
            bars={f.candidatesByNetwork.map((x) => ({ label: x.network, value: x.candidates, colour: DSFR.blue }))}
          />
        }
        table={
          <SimpleTable
            id="tableau-candidats"
            caption="Candidats au label par réseau"
            head={
              f.funded === null ? ["Réseau", "Candidats"] : ["Réseau", "Candidats", "dont audit financé par la DITP"]
            }
            rows={f.candidatesByNetwork.map((x) =>
              x.funded === null
                ? [x.network, frNumber(x.candidates)]
                : [x.network, frNumber(x.candidates), frNumber(x.funded)],
            )}
          />
        }
      />

      {f.agents ? (
        <section aria-labelledby="agents-titre">
          <h2 id="agents-titre">Ce qu'en disent les agents</h2>
          <p>
            {f.agents.averageScore === null
              ? "Aucune enquête auprès des agents n'a encore fondé un label valide."
              : `Score moyen de l'enquête auprès des agents : ${frNumber(f.agents.averageScore)} sur 100, sur ${frNumber(f.agents.surveys)} enquête${f.agents.surveys > 1 ? "s" : ""}.`}
          </p>
          <p class="fr-text--sm">
            L'enquête auprès des agents mesure comment les agents des services labellisés vivent la démarche de qualité.
            Elle n'est publiée qu'en moyenne nationale, jamais service par service.
          </p>
        </section>
      ) : null}
    </Layout>
  );
}
