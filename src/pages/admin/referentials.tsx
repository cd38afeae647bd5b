/** Référentiel versions: which one is active, and what each of its checks means, in French. */

import type { Person } from "../../admin/session";
import type { ReferentialView } from "../../db/referentials";
import { frenchNumber } from "../../domain/french";
import { engagementTitle, TIER_ORDER } from "../../domain/referential";
import { ActionButton, AdminPage, Alert, day, Facts, instant, NextPage, Table, tierName } from "./frame";
import { ruleText } from "./rules";

export function ReferentialListPage(props: { person: Person; items: ReferentialView[]; next: string | null }) {
  return (
    <AdminPage title="Référentiels" person={props.person} section="referentials">
      <p>
        Les règles qui transforment un audit et deux enquêtes en palier proposé. Une seule version est active : celle
        des évaluations et des nouvelles décisions. Une version utilisée par une décision ne change plus. Pour créer ou
        modifier une version : l'API (<code>/v1/referentials</code>).
      </p>
      <Table
        caption="Versions du référentiel"
        empty="Aucune version du référentiel."
        head={["Version", "Description", "Statut", "Active", "Utilisée depuis"]}
        id="referentiels"
      >
        {props.items.map((r) => (
          <tr>
            <td>
              <a href={`/admin/referentials/${encodeURIComponent(r.version)}`}>{r.version}</a>
            </td>
            <td>{r.description}</td>
            <td>{r.official ? "officiel" : "illustratif"}</td>
            <td>{r.active ? <span class="fr-badge fr-badge--sm fr-badge--success">active</span> : "—"}</td>
            <td>{instant(r.usedAt)}</td>
          </tr>
        ))}
      </Table>
      <NextPage path="/admin/referentials" query={{}} cursor={props.next} />
    </AdminPage>
  );
}

export function ReferentialPage({ person, r }: { person: Person; r: ReferentialView }) {
  const rules = r.rules;
  const scoring =
    rules.auditScore.method === "mean"
      ? "moyenne des scores des 8 engagements"
      : `moyenne pondérée des 8 engagements (poids ${rules.auditScore.weights.map(frenchNumber).join(" ; ")})`;
  return (
    <AdminPage title={`Référentiel ${r.version}`} person={person} section="referentials">
      {r.official ? null : (
        <Alert kind="warning" title="Version illustrative">
          <p>Ses seuils sont des exemples, pas ceux de la DITP : la grille officielle n'est pas publique.</p>
        </Alert>
      )}
      <Facts
        caption="Version"
        rows={[
          ["Description", r.description],
          ["Active", r.active ? "oui" : "non"],
          [
            "Utilisée par une décision depuis",
            r.usedAt ? `${instant(r.usedAt)} (immuable)` : "jamais (modifiable par l'API)",
          ],
          ["Score d'audit", scoring],
          [
            "Âge maximal d'une donnée",
            `${frenchNumber(rules.maxInputAgeMonths)} mois (audit : date d'audit ; enquête : fin de période)`,
          ],
          ["Durée de validité d'un label", `${frenchNumber(rules.validityMonths)} mois`],
          ["Créée le", day(r.createdAt.slice(0, 10))],
        ]}
      />
      {r.active ? null : (
        <ActionButton
          action={`/admin/referentials/${encodeURIComponent(r.version)}/activate`}
          text="Rendre cette version active"
          id="activer"
        />
      )}
      <h2>Engagements</h2>
      <Table caption="Les 8 engagements" head={["N°", "Thème", "Formulation"]} empty="Aucun engagement.">
        {rules.engagements.map((e) => (
          <tr>
            <td>{e.number}</td>
            <td>{e.heading}</td>
            <td>{e.wording ?? <em>{engagementTitle(e)} — formulation à compléter</em>}</td>
          </tr>
        ))}
      </Table>
      <h2>Seuils des paliers</h2>
      <p>Le palier proposé est le plus haut dont tous les contrôles sont respectés, quand l'évaluation est complète.</p>
      <Table
        caption="Chaque contrôle d'un palier"
        empty="Aucun contrôle."
        head={["Contrôle", ...TIER_ORDER.map((t) => tierName(t))]}
        id="seuils"
      >
        {(
          [
            ["auditScoreMin", "≥"],
            ["engagementScoreMin.1", "≥"],
            ["userSatisfactionMin", "≥"],
            ["agentScoreMin", "≥"],
            ["maxBlockingNonConformities", "≤"],
          ] as const
        ).map(([rule, op]) => {
          const key = rule === "engagementScoreMin.1" ? "engagementScoreMin" : rule;
          return (
            <tr>
              <td>
                {rule === "engagementScoreMin.1"
                  ? "Score de chaque engagement à l'audit (les 8, un par un)"
                  : ruleText(rule)}
              </td>
              {TIER_ORDER.map((t) => (
                <td>
                  {op} {frenchNumber(rules.tiers[t][key])}
                </td>
              ))}
            </tr>
          );
        })}
      </Table>
      <h2>Enquêtes : échantillons admis</h2>
      <Table caption="Contrôles de tous les paliers" head={["Contrôle", "Minimum"]} empty="Aucun contrôle.">
        {(["usagers", "agents"] as const).flatMap((k) => [
          <tr>
            <td>{ruleText(`${k}.minRespondents`)}</td>
            <td>{frenchNumber(rules.surveys[k].minRespondents)}</td>
          </tr>,
          <tr>
            <td>{ruleText(`${k}.minResponseRate`)}</td>
            <td>
              {rules.surveys[k].minResponseRate === null
                ? "pas de minimum"
                : `${frenchNumber(rules.surveys[k].minResponseRate)} %`}
            </td>
          </tr>,
        ])}
      </Table>
    </AdminPage>
  );
}
