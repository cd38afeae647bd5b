/**
 * The verification page of one structure, and the page for a reference the registry does not know.
 * Every state reads on its own: a headline, one sentence saying what it means for the reader, and
 * only the dates that are true in that state (« Valide jusqu'au » for a valid label alone). The embed
 * snippet is offered for a valid label only: a site should not start showing a label it does not hold.
 */
import type { Child } from "hono/jsx";
import {
  EVENT_NAMES,
  longFrenchDate,
  type PublicStatus,
  STATUS_EXPLANATIONS,
  statusSentence,
  TIER_NAMES,
  tierShown,
} from "../domain/badge";
import { embedSnippet } from "../public/embed";
import type { PublicLabel } from "../public/present";
import type { HistoryResults } from "../public/results";
import { CertificateLink } from "./certificate";
import { Layout, SearchForm } from "./layout";
import { historyResultsText, Results } from "./results";
import { StaleNotice } from "./stale-notice";

export const BADGE_CLASS: Record<PublicStatus, string> = {
  valid: "fr-badge--success",
  suspended: "fr-badge--warning",
  withdrawn: "fr-badge--error",
  expired: "fr-badge--info",
  none: "fr-badge--info",
};

const parisTimeFormat = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  dateStyle: "long",
  timeStyle: "short",
});
const parisTime = (iso: string) => parisTimeFormat.format(new Date(iso));

function Row(props: { term: string; children: Child }) {
  return (
    <tr>
      <th scope="row">{props.term}</th>
      <td>{props.children}</td>
    </tr>
  );
}

export type HistoryItem = {
  labelNumber: string;
  type: string;
  toStatus: string;
  effectiveOn: string;
  tier: keyof typeof TIER_NAMES;
  /** An award's survey and audit, as published (src/public/results.ts). */
  results?: HistoryResults;
};

/** The day the current label entered its status (suspended, withdrawn, expired), from its history. */
function statusSince(l: PublicLabel, history: readonly HistoryItem[]): string | null {
  const e = history.find((h) => h.labelNumber === l.labelNumber && h.type === l.status);
  return e?.effectiveOn ?? null;
}

/** The rows that are true in the label's state. */
function LabelRows({ l, history }: { l: PublicLabel; history: readonly HistoryItem[] }) {
  if (!l.labelNumber) return null;
  const since = statusSince(l, history);
  const day = (d: string | null) => (d ? longFrenchDate(d) : "—");
  return (
    <>
      <Row term="Numéro de label">{l.labelNumber}</Row>
      {l.tier && tierShown(l.status) ? <Row term="Palier">{TIER_NAMES[l.tier]}</Row> : null}
      <Row term="Attribué le">{day(l.awardedOn)}</Row>
      {l.status === "valid" ? <Row term="Valide jusqu'au (inclus)">{day(l.expiresOn)}</Row> : null}
      {l.status === "suspended" ? <Row term="Suspendu depuis le">{day(since)}</Row> : null}
      {l.status === "withdrawn" ? <Row term="Retiré le">{day(since)}</Row> : null}
      {l.status === "expired" ? <Row term="Dernier jour de validité">{day(l.expiresOn)}</Row> : null}
      <Row term="Organisme de certification">{l.certifier?.name ?? "—"}</Row>
    </>
  );
}

function History({ history }: { history: readonly HistoryItem[] }) {
  if (history.length === 0) return <p>Aucun changement de statut enregistré.</p>;
  // Wider than a phone with its results column: the DSFR scrolls the table itself, so the keyboard must
  // reach it too (WCAG 2.1.1, axe « scrollable-region-focusable »).
  return (
    <div class="fr-table">
      <table tabindex={0}>
        <caption>Du plus récent au plus ancien</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Événement</th>
            <th scope="col">Label</th>
            <th scope="col">Résultats qui l'ont fondé</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr>
              <td>{longFrenchDate(h.effectiveOn)}</td>
              <td>{EVENT_NAMES[h.type] ?? h.type}</td>
              <td>
                {h.labelNumber} ({TIER_NAMES[h.tier]})
              </td>
              <td>{historyResultsText(h.results)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Embed({ l, base }: { l: PublicLabel; base: string }) {
  const code = encodeURIComponent(l.structure.code);
  const snippet = (script: boolean) => embedSnippet({ base, code: l.structure.code, name: l.structure.name, script });
  return (
    <>
      <p>Pour afficher le badge sur le site de ce service public, copiez ce code :</p>
      <p>
        {/* fr-fluid-img: never wider than the screen (a valid badge is ~340 px wide; 320 px phones). */}
        <img
          class="fr-fluid-img"
          src={`/badge/${code}.svg`}
          alt={`Label Services Publics + : ${statusSentence(l.status, l.tier)}`}
        />
      </p>
      <div class="fr-input-group">
        <label class="fr-label" for="code-integration">
          Code HTML du badge
          <span class="fr-hint-text">
            Avec le petit script du registre, les lecteurs d'écran annoncent le statut du badge (« suspendu », « retiré
            »…).
          </span>
        </label>
        <textarea class="fr-input" id="code-integration" readonly rows={5}>
          {snippet(true)}
        </textarea>
      </div>
      <div class="fr-input-group">
        <label class="fr-label" for="code-integration-sans-script">
          Code HTML du badge, sans script
          <span class="fr-hint-text">
            Pour les sites qui n'autorisent aucun script : le texte de remplacement de l'image ne peut alors pas donner
            le statut, il renvoie à la page de vérification.
          </span>
        </label>
        <textarea class="fr-input" id="code-integration-sans-script" readonly rows={4}>
          {snippet(false)}
        </textarea>
      </div>
      <p class="fr-text--sm">
        Le badge et cette page se mettent à jour dans les 5 minutes qui suivent tout changement de statut : un badge
        déjà installé dira de lui-même « suspendu », « retiré » ou « expiré » le moment venu.
      </p>
    </>
  );
}

/** The label's verifiable credential (Open Badges 3.0), to download, and what it is for. */
function Credential({ labelNumber, base }: { labelNumber: string; base: string }) {
  const href = new URL(`/v1/public/labels/${labelNumber}/credential`, base).toString();
  return (
    <div id="attestation">
      <p>
        <a class="fr-link" href={href} download={`${labelNumber}.json`}>
          Télécharger l'attestation vérifiable
        </a>
      </p>
      <p class="fr-text--sm">
        Ce fichier, signé par le registre, permet au service de prouver son label à qui le lui demande : chacun peut
        vérifier qu'il vient bien du registre et n'a pas été modifié, et le registre dit à tout moment si le label est
        toujours en vigueur.
      </p>
    </div>
  );
}

export function VerifyPage({
  l,
  history,
  base,
  indexable,
}: {
  l: PublicLabel;
  history: readonly HistoryItem[];
  base: string;
  indexable: boolean;
}) {
  const json = new URL(`/v1/public/labels/${encodeURIComponent(l.structure.code)}`, base).toString();
  const headline = statusSentence(l.status, l.tier);
  return (
    <Layout title={`${headline} — ${l.structure.name}`} indexable={indexable}>
      <h1>{l.structure.name}</h1>
      <p class="fr-text--lead">
        <span class={`fr-badge fr-badge--lg ${BADGE_CLASS[l.status]}`} id="statut">
          {headline}
        </span>
      </p>
      <p id="explication">{STATUS_EXPLANATIONS[l.status]}</p>
      {l.stale && l.factsAt ? (
        <StaleNotice factsAt={l.factsAt} />
      ) : (
        <p id="verifie-le" class="fr-text--sm">
          Vérifié le <time datetime={l.checkedAt}>{parisTime(l.checkedAt)}</time> (heure de Paris), à partir du registre
          du label.
        </p>
      )}
      <div class="fr-table">
        <table>
          <caption>{l.labelNumber ? "Le service public et son label" : "Le service public"}</caption>
          <tbody>
            <Row term="Code SP+">{l.structure.code}</Row>
            <Row term="Réseau">{l.structure.network}</Row>
            <Row term="Commune">{l.structure.city}</Row>
            <LabelRows l={l} history={history} />
          </tbody>
        </table>
      </div>
      <Results r={l.results} />
      {l.labelNumber ? (
        <>
          <h2>Historique des changements de statut</h2>
          <History history={history} />
        </>
      ) : null}
      <h2>Réutiliser cette information</h2>
      <p>
        <a class="fr-link" href={json}>
          Données au format JSON
        </a>
      </p>
      {/* Only while the label stands: a withdrawn or expired label's file would prove nothing but its end. */}
      {l.labelNumber && (l.status === "valid" || l.status === "suspended") ? (
        <Credential labelNumber={l.labelNumber} base={base} />
      ) : null}
      {l.status === "valid" ? <CertificateLink code={l.structure.code} /> : null}
      {l.status === "valid" ? <Embed l={l} base={base} /> : null}
      <h2>Vérifier un autre service public</h2>
      <SearchForm />
    </Layout>
  );
}

export function NotFoundPage({ code }: { code: string }) {
  return (
    <Layout title="Structure inconnue — Services Publics +">
      <h1>Structure inconnue</h1>
      <p>
        Le registre du label « Services Publics + » ne connaît aucune structure ni aucun label « {code} ». Vérifiez le
        code SP+ ou le numéro de label, ou cherchez le service public par son nom ou sa commune.
      </p>
      <SearchForm />
    </Layout>
  );
}
