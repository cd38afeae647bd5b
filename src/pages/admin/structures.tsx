/**
 * Structures in the back-office: the search, the registration and edit form, and a structure's page —
 * its record, its body (and who assigned it), its evaluation check by check, its decisions, its labels
 * with their history and, for the administration, the actions on them.
 */
import type { Child } from "hono/jsx";
import type { Refusal } from "../../admin/forms";
import type { Person } from "../../admin/session";
import type { assignmentsOf, labelsOfStructure, listCurrentLabels } from "../../db/backoffice";
import type { StructureEvaluation } from "../../db/evaluations";
import type { listDecisions, listLabelEvents } from "../../db/labels";
import type { findStructure } from "../../db/structures";
import { EVENT_NAMES, publicStatus, TIER_NAMES } from "../../domain/badge";
import { certificateFileName } from "../../domain/certificate";
import { frenchNumber } from "../../domain/french";
import { CATEGORIES, CATEGORY_LABELS, type Category } from "../../domain/identifiers";
import { type LabelAction, nextStatus } from "../../domain/label-lifecycle";
import { TIER_ORDER } from "../../domain/referential";
import type { Missing } from "../../domain/tier-engine";
import { certificatePath } from "../certificate";
import {
  Actions,
  AdminPage,
  Alert,
  day,
  Facts,
  Field,
  Filters,
  instant,
  LabelStatus,
  NextPage,
  OnceField,
  Refused,
  Select,
  Table,
  TextArea,
  tierName,
} from "./frame";
import { EVALUATION_STATES, INPUTS, ruleText } from "./rules";
import { missingSentence } from "./words";

type Structure = NonNullable<Awaited<ReturnType<typeof findStructure>>>;
type Label = Awaited<ReturnType<typeof labelsOfStructure>>[number];
type LabelEvent = Awaited<ReturnType<typeof listLabelEvents>>[number];
type Decision = Awaited<ReturnType<typeof listDecisions>>[number];
type Assignment = Awaited<ReturnType<typeof assignmentsOf>>[number];

export type StructureQuery = { q?: string; network?: string; department?: string; category?: string };

export function StructureListPage(props: {
  person: Person;
  q: StructureQuery;
  items: Structure[];
  next: string | null;
}) {
  const admin = props.person.role === "admin";
  return (
    <AdminPage title={admin ? "Structures" : "Nos structures"} person={props.person} section="structures">
      <search>
        <Filters action="/admin/structures" submit="Rechercher">
          <Field name="q" label="Nom ou début du code SP+" type="search" value={props.q.q} maxlength={200} />
          <Field name="network" label="Réseau" value={props.q.network} maxlength={200} />
          <Field name="department" label="Département" hint="Code INSEE" value={props.q.department} maxlength={3} />
          <Select
            name="category"
            label="Catégorie"
            options={CATEGORIES.map((c) => [c, CATEGORY_LABELS[c as Category]])}
            value={props.q.category}
            empty="Toutes"
          />
        </Filters>
      </search>
      {admin ? (
        <p>
          <a class="fr-btn fr-btn--secondary" href="/admin/new-structure" id="nouvelle-structure">
            Enregistrer une structure
          </a>
        </p>
      ) : null}
      <Table
        caption="Structures, par code SP+"
        empty="Aucune structure ne correspond."
        head={["Code SP+", "Nom", "Réseau", "Commune", "Organisme"]}
        id="structures"
      >
        {props.items.map((s) => (
          <tr>
            <td>
              <a href={`/admin/structures/${encodeURIComponent(s.code)}`}>{s.code}</a>
            </td>
            <td>{s.name}</td>
            <td>{s.network}</td>
            <td>
              {s.city} ({s.department})
            </td>
            <td>{s.certifier?.name ?? "—"}</td>
          </tr>
        ))}
      </Table>
      <NextPage path="/admin/structures" query={props.q} cursor={props.next} />
    </AdminPage>
  );
}

export const CONTACT_ROWS = 3;

/** The registration / edit form; `values` are the form's fields as posted (or read from the structure). */
export function StructureFormPage(props: {
  person: Person;
  code?: string;
  values: Record<string, string>;
  refusal?: Refusal | null;
  contactRows: number;
}) {
  const v = props.values;
  const err = (name: string) => props.refusal?.by[name];
  const editing = props.code !== undefined;
  const title = editing ? `Modifier la structure ${props.code}` : "Enregistrer une structure";
  const action = editing ? `/admin/structures/${encodeURIComponent(props.code!)}` : "/admin/structures";
  return (
    <AdminPage title={title} person={props.person} section="structures">
      {props.refusal ? <Refused refusal={props.refusal} /> : null}
      <form method="post" action={action} id="form-structure">
        <OnceField />
        {editing ? null : (
          <Field
            name="code"
            label="Code SP+"
            hint="Le code du programme (« code_sp_de_la_structure ») ; il ne change plus ensuite"
            value={v.code}
            required
            maxlength={40}
            error={err("code")}
          />
        )}
        <Field name="name" label="Intitulé" value={v.name} required maxlength={300} error={err("name")} />
        <Field name="network" label="Réseau" value={v.network} required maxlength={200} error={err("network")} />
        <Field name="typology" label="Typologie" value={v.typology} maxlength={200} error={err("typology")} />
        <Select
          name="category"
          label="Catégorie"
          options={CATEGORIES.map((c) => [c, CATEGORY_LABELS[c as Category]])}
          value={v.category}
          required
          empty="— choisir —"
          error={err("category")}
        />
        <Field
          name="parentCode"
          label="Code SP+ de la structure parente"
          value={v.parentCode}
          error={err("parentCode")}
        />
        <Field name="siret" label="SIRET" hint="14 chiffres" value={v.siret} error={err("siret")} />
        <Field name="postcode" label="Code postal" value={v.postcode} required error={err("postcode")} />
        <Field name="city" label="Commune" value={v.city} required maxlength={200} error={err("city")} />
        <Field
          name="department"
          label="Département"
          hint="Code INSEE : 01 à 95, 2A, 2B, 971 à 976"
          value={v.department}
          required
          error={err("department")}
        />
        <Field name="region" label="Région" value={v.region} maxlength={200} error={err("region")} />
        <Field name="website" label="Site web" type="url" value={v.website} error={err("website")} />
        <Select
          name="auditFunded"
          label="Audit financé par la DITP (compté dans « Le label en chiffres »)"
          options={[
            ["non", "Non"],
            ["oui", "Oui"],
          ]}
          value={v.auditFunded || "non"}
          error={err("auditFunded")}
        />
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">
            Contacts (jamais publiés ; ils reçoivent les rappels de renouvellement — au moins un)
          </legend>
          {Array.from({ length: props.contactRows }, (_, i) => i + 1).map((n) => (
            <div class="fr-fieldset__element">
              <Field
                name={`contact${n}_email`}
                label={`Contact ${n} : adresse électronique`}
                type="email"
                value={v[`contact${n}_email`]}
                required={n === 1}
                error={err(`contacts.${n - 1}.email`) ?? (n === 1 ? err("contacts") : undefined)}
              />
              <Field name={`contact${n}_name`} label={`Contact ${n} : nom`} value={v[`contact${n}_name`]} />
              <Field name={`contact${n}_role`} label={`Contact ${n} : fonction`} value={v[`contact${n}_role`]} />
            </div>
          ))}
        </fieldset>
        {editing ? (
          <p class="fr-text--sm">Un champ facultatif laissé vide garde sa valeur actuelle (l'API ne l'efface pas).</p>
        ) : null}
        <button type="submit" class="fr-btn">
          {editing ? "Enregistrer les modifications" : "Enregistrer la structure"}
        </button>
      </form>
    </AdminPage>
  );
}

/** The structure's fields the form edits one input each (besides its code and its contacts). */
export const STRUCTURE_FIELDS = [
  "name",
  "network",
  "typology",
  "category",
  "parentCode",
  "siret",
  "postcode",
  "city",
  "department",
  "region",
  "website",
] as const;

/** The structure's fields as the form shows them. */
export function structureValues(s: Structure): Record<string, string> {
  const v: Record<string, string> = {};
  for (const k of ["code", ...STRUCTURE_FIELDS] as const) {
    v[k] = s[k] ?? "";
  }
  v.auditFunded = s.auditFunded ? "oui" : "non";
  s.contacts.forEach((c, i) => {
    v[`contact${i + 1}_email`] = c.email;
    v[`contact${i + 1}_name`] = c.name ?? "";
    v[`contact${i + 1}_role`] = c.role ?? "";
  });
  return v;
}

type Check = StructureEvaluation["checks"][number];

/** The checks of the same rule (one per tier), in the engine's order. */
function byRule(checks: Check[]): [string, Check[]][] {
  const rules = new Map<string, Check[]>();
  for (const c of checks) rules.set(c.rule, [...(rules.get(c.rule) ?? []), c]);
  return [...rules];
}

/** « ≥ 70 » and whether the value meets it, in words (not colour alone). */
function Verdict({ c }: { c: Check }) {
  return (
    <>
      {c.op === "gte" ? "≥ " : "≤ "}
      {frenchNumber(c.expected)}{" "}
      {c.passed ? (
        <span class="fr-badge fr-badge--sm fr-badge--success fr-badge--no-icon">respecté</span>
      ) : (
        <span class="fr-badge fr-badge--sm fr-badge--error fr-badge--no-icon">non respecté</span>
      )}
    </>
  );
}

/** The signed event a body sends for each input the evaluation lacks. */
const EVENT_FOR_INPUT: Record<Missing["input"], string> = {
  audit: "audit.completed",
  usagers: "survey.users.completed",
  agents: "survey.agents.completed",
};

/**
 * What comes after the evaluation, so a page never ends on « Palier proposé » alone: for a body, the
 * exact signed `label.decision` to send (or the events still missing); for the administration, the
 * decision form below.
 */
function NextStep(props: { e: StructureEvaluation; code: string; person: Person; hasBody: boolean; today: string }) {
  const { e, person } = props;
  const member = person.role === "certifier";
  if (!e.proposedTier) {
    const events = [...new Set(e.missing.map((m) => EVENT_FOR_INPUT[m.input]))];
    return (
      <Alert kind="info" title="Prochaine étape : compléter l'évaluation" id="prochaine-etape">
        <p>
          Aucun palier n'est proposé tant que l'évaluation n'est pas complète.{" "}
          {member
            ? "Envoyez au registre, signés comme vos autres livraisons, les événements qui manquent :"
            : "L'organisme attribué doit envoyer les événements signés qui manquent :"}
        </p>
        {events.length ? (
          <ul>
            {events.map((t) => (
              <li>
                <code>{t}</code>
              </li>
            ))}
          </ul>
        ) : null}
      </Alert>
    );
  }
  const tier = tierName(e.proposedTier);
  if (!member) {
    return (
      <p id="prochaine-etape">
        Palier {tier} proposé : l'organisme attribué envoie sa décision (événement signé <code>label.decision</code>)
        {props.hasBody ? (
          <>
            , ou l'administration l'enregistre en son nom : <a href="#decider">Enregistrer une décision</a>.
          </>
        ) : (
          " ; aucun organisme n'est attribué à cette structure pour l'instant."
        )}
      </p>
    );
  }
  const event = {
    type: "label.decision",
    timestamp: `${new Date().toISOString().slice(0, 19)}Z`,
    data: { structureCode: props.code, decision: "award", tier: e.proposedTier, decidedOn: props.today },
  };
  return (
    <Alert kind="info" title="Prochaine étape : envoyer votre décision" id="prochaine-etape">
      <p>
        Le palier {tier} est proposé. Pour attribuer le label, envoyez au registre cet événement signé{" "}
        <code>label.decision</code>, comme vos autres livraisons (Standard Webhooks, signé avec votre secret{" "}
        <code>whsec_</code>, à <code>POST /v1/webhooks/certifiers/{person.certifierId}</code>). Pour le refuser :{" "}
        <code>"decision": "refuse"</code>, sans palier. Un autre palier que le palier proposé exige une{" "}
        <code>justification</code>.
      </p>
      <pre class="fr-text--sm" id="evenement-decision">
        <code>{JSON.stringify(event, null, 2)}</code>
      </pre>
      <p>
        Chaque champ de l'événement est décrit dans la <a href="/docs">référence de l'API</a> (section Webhooks,{" "}
        <code>label.decision</code>) ; ce que le registre en a fait se lit ensuite dans{" "}
        <a href="/admin/webhook-events">Nos livraisons</a>, et le label dans <a href="#labels">Labels</a>.
      </p>
    </Alert>
  );
}

function EvaluationSection(props: {
  e: StructureEvaluation;
  code: string;
  person: Person;
  hasBody: boolean;
  today: string;
}) {
  const { e } = props;
  return (
    <section id="evaluation">
      <h2>Évaluation au {day(e.evaluatedOn)}</h2>
      <Facts
        caption="Résultat"
        rows={[
          ["État", EVALUATION_STATES[e.state]],
          ["Palier proposé", <strong id="palier-propose">{tierName(e.proposedTier)}</strong>],
          [
            "Référentiel",
            <>
              <a href={`/admin/referentials/${encodeURIComponent(e.referentialVersion)}`}>{e.referentialVersion}</a>
              {e.official ? "" : " (illustratif : seuils non officiels)"}
            </>,
          ],
          ["Score d'audit", frenchNumber(e.scores.audit)],
          ["Satisfaction usagers", frenchNumber(e.scores.userSatisfaction)],
          ["Score agents", frenchNumber(e.scores.agentScore)],
          ["Non-conformités bloquantes", frenchNumber(e.scores.blockingNonConformities)],
        ]}
      />
      {e.missing.length > 0 ? (
        <Alert kind="warning" title="Ce qui manque ou ne suffit pas" id="manques">
          <ul>
            {e.missing.map((m) => (
              <li>
                {INPUTS[m.input]} — {missingSentence(m.reason, m.detail)}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <NextStep e={e} code={props.code} person={props.person} hasBody={props.hasBody} today={props.today} />
      <Table
        caption="Contrôles des paliers : la valeur constatée, et pour chaque palier le seuil et s'il est respecté"
        empty="Aucun contrôle : le référentiel n'en définit pas."
        head={["Contrôle", "Constaté", ...TIER_ORDER.map((t) => tierName(t))]}
        id="controles"
      >
        {byRule(e.checks.filter((c) => c.tier !== null)).map(([rule, checks]) => (
          <tr>
            <td>{ruleText(rule)}</td>
            <td>{frenchNumber(checks[0]!.actual)}</td>
            {TIER_ORDER.map((t) => {
              const c = checks.find((x) => x.tier === t);
              return <td>{c ? <Verdict c={c} /> : "—"}</td>;
            })}
          </tr>
        ))}
      </Table>
      <Table
        caption="Échantillons des enquêtes (tous paliers)"
        empty="Aucun contrôle d'échantillon."
        head={["Contrôle", "Constaté", "Seuil"]}
        id="echantillons"
      >
        {e.checks
          .filter((c) => c.tier === null)
          .map((c) => (
            <tr>
              <td>{ruleText(c.rule)}</td>
              <td>{frenchNumber(c.actual)}</td>
              <td>
                <Verdict c={c} />
              </td>
            </tr>
          ))}
      </Table>
    </section>
  );
}

function DecisionForm({ code, e, today }: { code: string; e: StructureEvaluation; today: string }) {
  return (
    <section id="decider">
      <h2>Enregistrer une décision</h2>
      <p>
        La décision de l'organisme attribué (au nom de celui-ci, comme son événement signé <code>label.decision</code>
        ). Une attribution exige une évaluation complète ; un palier différent du palier proposé exige une
        justification.
      </p>
      <form method="post" action={`/admin/structures/${encodeURIComponent(code)}/decisions`} id="form-decision">
        <OnceField />
        <Select
          name="decision"
          label="Décision"
          options={[
            ["award", "Attribuer le label"],
            ["refuse", "Refuser le label"],
          ]}
          value="award"
          required
        />
        <Select
          name="tier"
          label="Palier (attribution)"
          options={TIER_ORDER.map((t) => [t, TIER_NAMES[t]])}
          value={e.proposedTier ?? ""}
          empty="Le palier proposé"
        />
        <Field name="decidedOn" label="Date de la décision" type="date" value={today} required />
        <TextArea
          name="justification"
          label="Justification"
          hint="Obligatoire si le palier diffère du palier proposé"
        />
        <button type="submit" class="fr-btn">
          Enregistrer la décision
        </button>
      </form>
    </section>
  );
}

const ACTION_TEXT: Record<Exclude<LabelAction, "expire">, string> = {
  suspend: "Suspendre",
  reinstate: "Rétablir",
  withdraw: "Retirer",
};

function LabelSection(props: { label: Label; events: LabelEvent[]; admin: boolean; current: boolean }) {
  const l = props.label;
  const actions = (Object.keys(ACTION_TEXT) as (keyof typeof ACTION_TEXT)[]).filter((a) => nextStatus(l.status, a));
  return (
    <section class="fr-mb-4w" id={`label-${l.number}`}>
      <h3>
        Label {l.number} <LabelStatus status={l.status} />
      </h3>
      <Table
        caption="Dates et chaîne de renouvellement"
        empty="—"
        head={["Palier", "Attribué le", "Valide jusqu'au", "Première attribution", "Renouvelle", "Renouvelé par"]}
      >
        <tr>
          <td>{tierName(l.tier)}</td>
          <td>{day(l.awardedOn)}</td>
          <td>{day(l.expiresOn)}</td>
          <td>{day(l.originalAwardedOn)}</td>
          <td>{l.supersedes ?? "—"}</td>
          <td>{l.supersededBy ?? "—"}</td>
        </tr>
      </Table>
      <Table
        caption={`Historique du label ${l.number}`}
        empty="Aucun événement."
        head={["Date d'effet", "Événement", "Motif", "Par", "Enregistré le"]}
      >
        {props.events.map((e) => (
          <tr>
            <td>{day(e.effectiveOn)}</td>
            <td>{EVENT_NAMES[e.type] ?? e.type}</td>
            <td>{e.reason ?? "—"}</td>
            <td>
              <code>{e.actor}</code>
            </td>
            <td>{instant(e.createdAt)}</td>
          </tr>
        ))}
      </Table>
      {props.admin && props.current && actions.length > 0 ? (
        <Actions>
          {actions.map((a) => (
            <a class="fr-btn fr-btn--secondary" href={`/admin/labels/${l.number}/${a}`} id={`action-${a}`}>
              {ACTION_TEXT[a]} le label…
            </a>
          ))}
        </Actions>
      ) : null}
    </section>
  );
}

const SECTIONS: [string, string][] = [
  ["fiche", "Fiche"],
  ["organisme", "Organisme de certification"],
  ["labels", "Labels et historique"],
  ["evaluation", "Évaluation"],
  ["decider", "Enregistrer une décision"],
  ["decisions", "Décisions"],
];

export function StructurePage(props: {
  person: Person;
  s: Structure;
  evaluation: StructureEvaluation;
  decisions: Decision[];
  labels: { label: Label; events: LabelEvent[] }[];
  assignments: Assignment[];
  bodies: { id: string; name: string }[];
  today: string;
}) {
  const { s, person } = props;
  const admin = person.role === "admin";
  const code = encodeURIComponent(s.code);
  const current = props.labels.find((l) => !l.label.supersededBy);
  const record: [string, Child][] = [
    ["Code SP+", s.code],
    ["Réseau", s.network],
    ["Typologie", s.typology ?? "—"],
    ["Catégorie", CATEGORY_LABELS[s.category as Category] ?? s.category],
    ["Structure parente", s.parentCode ?? "—"],
    ["Commune", `${s.postcode} ${s.city} (${s.department})`],
    ["Région", s.region ?? "—"],
    ["Site web", s.website ?? "—"],
    ["Audit financé par la DITP", s.auditFunded ? "oui" : "non"],
  ];
  if (admin) {
    record.push(
      ["SIRET", s.siret ?? "—"],
      ["Contacts (privés)", s.contacts.map((c) => [c.email, c.name, c.role].filter(Boolean).join(" · ")).join(" ; ")],
    );
  }
  return (
    <AdminPage title={s.name} person={person} section="structures">
      <Actions>
        <a class="fr-btn fr-btn--tertiary" href={`/verify/${code}`}>
          Page publique de vérification
        </a>
        {current && publicStatus(current.label, props.today) === "valid" ? (
          <a
            class="fr-btn fr-btn--tertiary"
            href={certificatePath(s.code)}
            download={certificateFileName(s.code)}
            id="certificat"
          >
            Télécharger le certificat à afficher
          </a>
        ) : null}
        {admin ? (
          <a class="fr-btn fr-btn--tertiary" href={`/admin/structures/${code}/edit`} id="modifier">
            Modifier la fiche
          </a>
        ) : null}
      </Actions>
      <p id="label-actuel" class="fr-text--lead">
        Label en cours :{" "}
        {current ? (
          <>
            <strong>{current.label.number}</strong>, palier {tierName(current.label.tier)},{" "}
            <LabelStatus status={current.label.status} /> ; fin de validité du label : {day(current.label.expiresOn)}
          </>
        ) : (
          "aucun"
        )}
      </p>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-8">
          <Facts caption="Fiche" rows={record} id="fiche" />
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <nav class="fr-summary" aria-labelledby="sommaire-titre">
            <p class="fr-summary__title" id="sommaire-titre">
              Sur cette page
            </p>
            <ol>
              {SECTIONS.filter(([id]) => id !== "decider" || (admin && s.certifier)).map(([id, text]) => (
                <li>
                  <a class="fr-summary__link" href={`#${id}`}>
                    {text}
                  </a>
                </li>
              ))}
            </ol>
          </nav>
        </div>
      </div>

      <section id="organisme">
        <h2>Organisme de certification</h2>
        <p>
          {s.certifier ? (
            <>
              Attribuée à <strong id="organisme-actuel">{s.certifier.name}</strong> (marché {s.certifier.contractRef}).
            </>
          ) : (
            <>Aucun organisme n'est attribué : ses événements signés seraient refusés.</>
          )}
        </p>
        {admin ? (
          <>
            <Table
              caption="Historique des attributions"
              head={["Depuis", "Organisme", "Marché", "Par"]}
              empty="Aucune attribution."
            >
              {props.assignments.map((a) => (
                <tr>
                  <td>{instant(a.assignedAt)}</td>
                  <td>
                    <a href={`/admin/certifiers/${a.certifierId}`}>{a.certifierName}</a>
                  </td>
                  <td>{a.contractRef}</td>
                  <td>
                    <code>{a.actor}</code>
                  </td>
                </tr>
              ))}
            </Table>
            <form method="post" action={`/admin/structures/${code}/certifier`} id="form-attribution">
              <OnceField />
              <Select
                name="certifierId"
                label="Organisme choisi par la structure"
                options={props.bodies.map((b) => [b.id, b.name])}
                value={s.certifier?.id}
                required
                empty="— choisir —"
              />
              <Field
                name="contractRef"
                label="Référence du marché"
                value={s.certifier?.contractRef}
                required
                maxlength={200}
              />
              <button type="submit" class="fr-btn fr-btn--secondary">
                Attribuer
              </button>
            </form>
          </>
        ) : null}
      </section>

      <section id="labels">
        <h2>Labels</h2>
        {props.labels.length === 0 ? <p>Aucun label n'a été attribué à cette structure.</p> : null}
        {props.labels.map((l) => (
          <LabelSection label={l.label} events={l.events} admin={admin} current={l === current} />
        ))}
      </section>

      <EvaluationSection
        e={props.evaluation}
        code={s.code}
        person={person}
        hasBody={Boolean(s.certifier)}
        today={props.today}
      />
      {admin && s.certifier ? <DecisionForm code={s.code} e={props.evaluation} today={props.today} /> : null}

      <section id="decisions">
        <h2>Décisions</h2>
        <Table
          caption="Décisions, de la plus ancienne à la plus récente"
          empty="Aucune décision."
          head={["Date", "Décision", "Palier", "Proposé", "Justification", "Par", "Label"]}
        >
          {props.decisions.map((d) => (
            <tr>
              <td>{day(d.decidedOn)}</td>
              <td>{d.decision === "award" ? "Attribution" : "Refus"}</td>
              <td>{tierName(d.tier)}</td>
              <td>{tierName(d.proposedTier)}</td>
              <td>{d.justification ?? "—"}</td>
              <td>
                <code>{d.actor}</code> ({d.source === "webhook" ? "événement signé" : "back-office ou API"})
              </td>
              <td>{d.labelNumber ?? "—"}</td>
            </tr>
          ))}
        </Table>
      </section>
    </AdminPage>
  );
}

const ACTION_NOUN: Record<Exclude<LabelAction, "expire">, { title: string; effect: string }> = {
  suspend: {
    title: "Suspendre le label",
    effect:
      "Dès la confirmation, le badge, la page de vérification et les données publiques disent « suspendu ». La " +
      "suspension se lève par un rétablissement.",
  },
  reinstate: {
    title: "Rétablir le label",
    effect: "Dès la confirmation, le label redevient valide au même palier, jusqu'à sa date de fin.",
  },
  withdraw: {
    title: "Retirer le label",
    effect:
      "Le retrait est définitif : le label ne pourra plus être rétabli. Le public le voit « retiré » à l'instant.",
  },
};

/** Step 1 (reason) and step 2 (confirmation) of a suspension, reinstatement or withdrawal. */
export function LabelActionPage(props: {
  person: Person;
  label: Label;
  structureName: string;
  action: Exclude<LabelAction, "expire">;
  values: { reason?: string; effectiveOn?: string };
  confirm: boolean;
  refusal?: Refusal | null;
}) {
  const { label: l, action } = props;
  const text = ACTION_NOUN[action];
  const url = `/admin/labels/${l.number}/${action}`;
  const back = `/admin/structures/${encodeURIComponent(l.structureCode)}`;
  return (
    <AdminPage title={`${text.title} ${l.number}`} person={props.person} section="structures">
      <p>
        Structure <a href={back}>{props.structureName}</a> ({l.structureCode}) — palier {tierName(l.tier)}, actuellement{" "}
        <LabelStatus status={l.status} />.
      </p>
      {props.refusal ? <Refused refusal={props.refusal} /> : null}
      {props.confirm ? (
        <>
          <Alert kind="warning" title="Confirmez-vous ?" id="confirmation">
            <p>{text.effect}</p>
          </Alert>
          <Facts
            caption="Ce qui sera enregistré dans l'historique du label"
            rows={[
              ["Action", text.title],
              ["Motif", props.values.reason ?? ""],
              ["Date d'effet", props.values.effectiveOn ? day(props.values.effectiveOn) : "aujourd'hui"],
              ["Par", <code>{props.person.actor}</code>],
            ]}
          />
          <form method="post" action={url} id="form-confirmer">
            <OnceField />
            <input type="hidden" name="reason" value={props.values.reason ?? ""} />
            <input type="hidden" name="effectiveOn" value={props.values.effectiveOn ?? ""} />
            <input type="hidden" name="confirm" value="oui" />
            <Actions>
              <button type="submit" class="fr-btn" id="confirmer">
                Confirmer : {text.title.toLowerCase()}
              </button>
              <a class="fr-btn fr-btn--secondary" href={back}>
                Annuler
              </a>
            </Actions>
          </form>
        </>
      ) : (
        <form method="post" action={url} id="form-motif">
          <OnceField />
          <p>{text.effect}</p>
          <TextArea
            name="reason"
            label="Motif"
            hint="Enregistré dans l'historique du label (non publié)"
            value={props.values.reason}
            required
            error={props.refusal?.by.reason}
          />
          <Field
            name="effectiveOn"
            label="Date d'effet"
            hint="Aujourd'hui si vide ; jamais dans le futur, jamais avant l'attribution"
            type="date"
            value={props.values.effectiveOn}
            error={props.refusal?.by.effectiveOn}
          />
          <Actions>
            <button type="submit" class="fr-btn" id="continuer">
              Continuer
            </button>
            <a class="fr-btn fr-btn--secondary" href={back}>
              Annuler
            </a>
          </Actions>
        </form>
      )}
    </AdminPage>
  );
}

export function LabelListPage(props: {
  person: Person;
  status?: string;
  expiresWithin?: string;
  items: Awaited<ReturnType<typeof listCurrentLabels>>["items"];
  next: string | null;
}) {
  return (
    <AdminPage title="Labels en cours" person={props.person} section="labels">
      <Filters action="/admin/labels">
        <Select
          name="status"
          label="État"
          options={[
            ["valid", "Valide"],
            ["suspended", "Suspendu"],
            ["withdrawn", "Retiré"],
            ["expired", "Expiré"],
          ]}
          value={props.status}
          empty="Tous"
        />
        <Select
          name="expiresWithin"
          label="Valides arrivant à échéance"
          options={[
            ["30", "Dans les 30 jours"],
            ["90", "Dans les 90 jours"],
            ["180", "Dans les 180 jours"],
          ]}
          value={props.expiresWithin}
          empty="Peu importe"
        />
      </Filters>
      <Table
        caption="Labels en cours (le dernier de chaque chaîne de renouvellement), par date de fin"
        empty="Aucun label ne correspond."
        head={["Label", "Structure", "Palier", "État", "Attribué le", "Valide jusqu'au", "Organisme"]}
        id="labels"
      >
        {props.items.map((l) => (
          <tr>
            <td>{l.number}</td>
            <td>
              <a href={`/admin/structures/${encodeURIComponent(l.structureCode)}`}>{l.structureName}</a>
            </td>
            <td>{tierName(l.tier)}</td>
            <td>
              <LabelStatus status={l.status} />
            </td>
            <td>{day(l.awardedOn)}</td>
            <td>{day(l.expiresOn)}</td>
            <td>{l.certifierName}</td>
          </tr>
        ))}
      </Table>
      <NextPage
        path="/admin/labels"
        query={{ status: props.status, expiresWithin: props.expiresWithin }}
        cursor={props.next}
      />
    </AdminPage>
  );
}
