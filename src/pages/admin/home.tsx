/** The back-office's sign-in (local dev), its error page and its dashboard. */

import type { Person } from "../../admin/session";
import { deName, frenchNumber } from "../../domain/french";
import type { Readiness } from "../../health/readiness";
import { AdminPage, Alert, Field, Refused, Table } from "./frame";
import { ReadinessSection } from "./readiness";
import type { FrenchRefusal } from "./words";

export function LoginPage(props: { next: string; refused?: boolean }) {
  return (
    <AdminPage title="Connexion au back-office" person={null}>
      <Alert kind="info" title="Connexion de développement">
        <p>
          Cette page n'existe qu'en développement local (<code>BACKOFFICE_DEV_LOGIN=on</code>). En production, on se
          connecte par Cloudflare Access avec son adresse professionnelle.
        </p>
      </Alert>
      {props.refused ? (
        <Alert kind="error" title="Connexion refusée" id="erreur">
          <p>Ce jeton n'est ni le jeton d'administration ni une clé d'API en vigueur.</p>
        </Alert>
      ) : null}
      <form method="post" action="/admin/login">
        <input type="hidden" name="next" value={props.next} />
        <Field
          name="token"
          label="Jeton d'administration ou clé d'API"
          hint="ADMIN_TOKEN de .dev.vars (administration), ou la clé d'API d'un organisme (son portail)"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit" class="fr-btn">
          Se connecter
        </button>
      </form>
    </AdminPage>
  );
}

/** What to do after each kind of refusal, for a person. */
const NEXT_STEP: Partial<Record<number, string>> = {
  401: "Ouvrez le back-office par son adresse protégée par Cloudflare Access (ou, en développement, par /admin/login).",
  403: "Cette page ou cette action n'est pas ouverte à votre compte. Un administrateur gère les accès (page « Accès »).",
  404: "Vérifiez l'adresse, ou repartez du tableau de bord.",
  409: "L'état du registre ne permet pas cette action : relisez la page concernée, elle a peut-être changé.",
  422: "Corrigez ce qui est indiqué puis recommencez.",
  429: "Trop de demandes en peu de temps : attendez une minute.",
  500: "Une erreur inattendue est survenue ; elle est journalisée avec l'identifiant de la requête.",
  503: "Le registre est momentanément injoignable : rien n'a été enregistré. Réessayez dans une minute.",
};

export function ErrorPage(props: { refusal: FrenchRefusal; person: Person | null; requestId?: string }) {
  const { status, title } = props.refusal;
  return (
    <AdminPage title={`${title} (${status})`} person={props.person}>
      <Refused refusal={props.refusal} />
      <p>{NEXT_STEP[status] ?? NEXT_STEP[Math.floor(status / 100) * 100]}</p>
      {props.requestId ? (
        <p class="fr-text--sm">
          Identifiant de la requête : <code>{props.requestId}</code>
        </p>
      ) : null}
      <p>
        <a class="fr-link" href="/admin">
          Tableau de bord
        </a>
      </p>
    </AdminPage>
  );
}

export type Dashboard = {
  byStatus: Partial<Record<"valid" | "suspended" | "withdrawn" | "expired", number>>;
  expiring: Record<number, number>;
  rejectedDeliveries: number;
  failedEmails: number;
};

const STATES: ["valid" | "suspended" | "withdrawn" | "expired", string][] = [
  ["valid", "Valides"],
  ["suspended", "Suspendus"],
  ["withdrawn", "Retirés"],
  ["expired", "Expirés"],
];

function Tile(props: { id: string; count: number; text: string; href: string }) {
  return (
    <div class="fr-col-12 fr-col-sm-6 fr-col-md-3">
      <div class="fr-tile fr-enlarge-link" id={props.id}>
        <div class="fr-tile__body">
          <div class="fr-tile__content">
            <h3 class="fr-tile__title">
              <a href={props.href}>{props.text}</a>
            </h3>
            <p class="fr-tile__detail fr-h4 fr-mb-0">{frenchNumber(props.count)}</p>
          </div>
        </div>
      </div>
    </div>
  );
}

export function DashboardPage({ person, d, readiness }: { person: Person; d: Dashboard; readiness?: Readiness }) {
  const admin = person.role === "admin";
  return (
    <AdminPage title="Tableau de bord" person={person} section="dashboard">
      {admin ? null : (
        <p>
          Le portail <strong>{person.role === "certifier" ? deName(person.bodyName) : ""}</strong> : vos structures,
          leur évaluation, vos labels et les livraisons que vous avez envoyées au registre.
        </p>
      )}
      <h2>Labels en cours, par état</h2>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
        {STATES.map(([s, text]) => (
          <Tile id={`etat-${s}`} count={d.byStatus[s] ?? 0} text={text} href={`/admin/labels?status=${s}`} />
        ))}
      </div>
      <h2>Labels valides arrivant à échéance</h2>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
        {Object.entries(d.expiring).map(([days, n]) => (
          <Tile
            id={`echeance-${days}`}
            count={n}
            text={`Dans les ${days} jours`}
            href={`/admin/labels?expiresWithin=${days}`}
          />
        ))}
      </div>
      <h2>À traiter</h2>
      <div class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
        <Tile
          id="livraisons-rejetees"
          count={d.rejectedDeliveries}
          text="Livraisons rejetées"
          href="/admin/webhook-events?status=rejected"
        />
        {admin ? (
          <Tile id="emails-echoues" count={d.failedEmails} text="E-mails en échec" href="/admin/outbox?status=failed" />
        ) : null}
      </div>
      {readiness ? <ReadinessSection r={readiness} /> : null}
      {admin ? null : (
        <Table caption="Ce que le portail vous permet" head={["Page", "Pour quoi faire"]} empty="Aucune page.">
          <tr>
            <td>
              <a href="/admin/structures">Nos structures</a>
            </td>
            <td>Les structures qui vous sont attribuées, leur évaluation contrôle par contrôle, leurs labels.</td>
          </tr>
          <tr>
            <td>
              <a href="/admin/labels">Nos labels</a>
            </td>
            <td>Les labels que vous avez attribués, par état et par date de fin.</td>
          </tr>
          <tr>
            <td>
              <a href="/admin/webhook-events">Nos livraisons</a>
            </td>
            <td>Chaque événement signé reçu, la raison d'un rejet, et le rejeu une fois la cause corrigée.</td>
          </tr>
        </Table>
      )}
    </AdminPage>
  );
}
