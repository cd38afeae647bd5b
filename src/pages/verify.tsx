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
import type { PublicLabel } from "../public/present";
import type { HistoryResults } from "../public/results";
import { CertificateLink } from "./certificate";
import { Layout, SearchForm } from "./layout";
import { historyResultsText, Results } from "./results";

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
  const badge = new URL(`/badge/${code}.svg`, base).toString();
  const snippet =
    `<a href="${l.permalink}">` +
    `<img src="${badge}" alt="Label Services Publics + : voir le statut de ${l.structure.name.replace(/"/g, "&quot;")}" height="20">` +
    "</a>";
  return (
    <>
      <p>Pour afficher le badge sur le site de ce service public, copiez ce code :</p>
      {/* At most its column's width: a badge is wider than a 320 px phone's page (no horizontal scroll). */}
      <div class="fr-grid-row">
        <p class="fr-col-12 fr-col-md-4">
          <img
            class="fr-responsive-img"
            src={`/badge/${code}.svg`}
            alt={`Label Services Publics + : ${statusSentence(l.status, l.tier)}`}
          />
        </p>
      </div>
      <div class="fr-input-group">
        <label class="fr-label" for="code-integration">
          Code HTML du badge
        </label>
        <textarea class="fr-input" id="code-integration" readonly rows={4}>
          {snippet}
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
        L'attestation vérifiable est le label sous forme de fichier signé par le registre (format Open Badges 3.0 des «
        verifiable credentials » du W3C). Le service public peut la conserver dans un portefeuille numérique ou la
        joindre à un dossier ; n'importe qui peut ensuite vérifier, même sans consulter ce site, qu'elle a bien été
        délivrée par le registre et n'a pas été modifiée. Une suspension ou un retrait du label se lisent dans les
        listes de statut publiées par le registre : l'attestation ne peut pas être utilisée au-delà de la validité du
        label.
      </p>
    </div>
  );
}

export function VerifyPage({ l, history, base }: { l: PublicLabel; history: readonly HistoryItem[]; base: string }) {
  const json = new URL(`/v1/public/labels/${encodeURIComponent(l.structure.code)}`, base).toString();
  const headline = statusSentence(l.status, l.tier);
  return (
    <Layout title={`${headline} — ${l.structure.name}`}>
      <h1>{l.structure.name}</h1>
      <p class="fr-text--lead">
        <span class={`fr-badge fr-badge--lg ${BADGE_CLASS[l.status]}`} id="statut">
          {headline}
        </span>
      </p>
      <p id="explication">{STATUS_EXPLANATIONS[l.status]}</p>
      <p id="verifie-le" class="fr-text--sm">
        Vérifié le <time datetime={l.checkedAt}>{parisTime(l.checkedAt)}</time> (heure de Paris), à partir du registre
        du label.
      </p>
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
      {l.labelNumber ? <Credential labelNumber={l.labelNumber} base={base} /> : null}
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
