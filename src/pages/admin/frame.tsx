/**
 * The back-office's frame and its small parts: the public pages' DSFR layout with the back-office's
 * menu and the signed-in person, tables, fields, alerts, badges. No JavaScript (the strict CSP of every
 * HTML answer): forms are plain POSTs, confirmations are pages.
 */
import type { Child } from "hono/jsx";
import type { Person } from "../../admin/session";
import { STATUS_NAMES, type StoredStatus, shortFrenchDate, TIER_NAMES, type Tier } from "../../domain/badge";
import { Layout } from "../layout";
import { BADGE_CLASS } from "../verify";
import type { FrenchRefusal } from "./words";

export type Section =
  | "dashboard"
  | "structures"
  | "labels"
  | "certifiers"
  | "api-keys"
  | "webhook-events"
  | "outbox"
  | "referentials"
  | "subscriptions"
  | "users";

const ADMIN_MENU: [Section, string, string][] = [
  ["dashboard", "/admin", "Tableau de bord"],
  ["structures", "/admin/structures", "Structures"],
  ["labels", "/admin/labels", "Labels"],
  ["certifiers", "/admin/certifiers", "Organismes"],
  ["api-keys", "/admin/api-keys", "Clés d'API"],
  ["webhook-events", "/admin/webhook-events", "Livraisons"],
  ["outbox", "/admin/outbox", "E-mails"],
  ["subscriptions", "/admin/subscriptions", "Abonnements"],
  ["referentials", "/admin/referentials", "Référentiels"],
  ["users", "/admin/users", "Accès"],
];
const MEMBER_MENU: [Section, string, string][] = [
  ["dashboard", "/admin", "Tableau de bord"],
  ["structures", "/admin/structures", "Nos structures"],
  ["labels", "/admin/labels", "Nos labels"],
  ["webhook-events", "/admin/webhook-events", "Nos livraisons"],
];

function Menu({ person, section }: { person: Person; section?: Section }) {
  const items = person.role === "admin" ? ADMIN_MENU : MEMBER_MENU;
  const who = person.role === "admin" ? "Administration du label" : `Organisme : ${person.bodyName}`;
  return (
    <div class="fr-container fr-mt-2w">
      <section class="fr-grid-row fr-grid-row--middle fr-grid-row--gutters" aria-label="Votre session">
        <p class="fr-col fr-text--sm fr-mb-0" id="connecte">
          Connecté : <strong>{person.shown}</strong> — {who}
          {person.via === "dev" ? " (connexion de développement)" : ""}
        </p>
        <div class="fr-col-auto">
          {person.via === "access" ? (
            // Cloudflare Access ends its own session at this address of the protected hostname.
            <a class="fr-btn fr-btn--tertiary fr-btn--sm" href="/cdn-cgi/access/logout">
              Se déconnecter
            </a>
          ) : (
            <form method="post" action="/admin/logout">
              <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">
                Se déconnecter
              </button>
            </form>
          )}
        </div>
      </section>
      <nav class="fr-nav" aria-label="Menu du back-office">
        <ul class="fr-nav__list">
          {items.map(([key, href, text]) => (
            <li class="fr-nav__item">
              <a class="fr-nav__link" href={href} aria-current={key === section ? "page" : undefined}>
                {text}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}

/** A back-office page: its title (also the `<h1>`), the menu when someone is signed in. */
export function AdminPage(props: { title: string; person: Person | null; section?: Section; children: Child }) {
  return (
    <Layout
      title={`${props.title} — Back-office Services Publics +`}
      tagline="Back-office du label"
      home="/admin"
      nav={props.person ? <Menu person={props.person} section={props.section} /> : undefined}
    >
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  );
}

/**
 * A DSFR table with a caption (shown: it says what the rows are). `empty` is required: a table with
 * no row says so in a row of its own (« Aucune décision »), never headers over nothing.
 */
export function Table(props: { caption: string; head: string[]; children: Child; id?: string; empty: string }) {
  const rows = [props.children].flat(3).filter((c) => c !== null && c !== undefined && c !== false);
  return (
    <div class="fr-table" id={props.id}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length > 0 ? (
            props.children
          ) : (
            <tr class="vide">
              <td colspan={props.head.length}>{props.empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Two columns: what, and its value. */
export function Facts(props: { caption: string; rows: [string, Child][]; id?: string }) {
  return (
    <div class="fr-table" id={props.id}>
      <table>
        <caption>{props.caption}</caption>
        <tbody>
          {props.rows.map(([k, v]) => (
            <tr>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Alert(props: {
  kind: "success" | "error" | "info" | "warning";
  title: string;
  children?: Child;
  id?: string;
}) {
  return (
    <div
      class={`fr-alert fr-alert--${props.kind} fr-mb-3w`}
      id={props.id}
      role={props.kind === "error" ? "alert" : undefined}
    >
      <h2 class="fr-alert__title">{props.title}</h2>
      {props.children}
    </div>
  );
}

/**
 * What a refused form sent back: the registry's reason and each field it names, in French (a
 * `FrenchRefusal` holds only words from src/pages/admin/words.ts, never the API's English).
 */
export function Refused({ refusal }: { refusal: FrenchRefusal }) {
  return (
    <Alert kind="error" title="Le registre a refusé la demande" id="erreur">
      <p>{refusal.detail}</p>
      {refusal.errors.length ? (
        <ul>
          {refusal.errors.map((e) => (
            <li>
              <strong>{e.field}</strong> : {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}

/** A label's stored status, coloured as on the public verification page. */
export function LabelStatus({ status }: { status: StoredStatus }) {
  return <span class={`fr-badge fr-badge--sm ${BADGE_CLASS[status]}`}>{STATUS_NAMES[status]}</span>;
}

export const tierName = (t: string | null | undefined) => (t ? (TIER_NAMES[t as Tier] ?? t) : "—");

/** `YYYY-MM-DD` → `DD/MM/YYYY`. */
export const day = (d: string | null | undefined) => (d ? shortFrenchDate(d) : "—");

const instantFormat = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  dateStyle: "short",
  timeStyle: "medium",
});
/** An ISO instant, in French time. */
export const instant = (iso: string | null | undefined) => (iso ? instantFormat.format(new Date(iso)) : "—");

/** A labelled input; `error` marks it refused. */
export function Field(props: {
  name: string;
  label: string;
  value?: string | null;
  hint?: string;
  type?: string;
  required?: boolean;
  error?: string;
  maxlength?: number;
  pattern?: string;
  id?: string;
  autocomplete?: string;
}) {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div class={`fr-input-group${props.error ? " fr-input-group--error" : ""}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required ? " (obligatoire)" : ""}
        {props.hint ? <span class="fr-hint-text">{props.hint}</span> : null}
      </label>
      <input
        class={`fr-input${props.error ? " fr-input--error" : ""}`}
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        required={props.required}
        maxlength={props.maxlength}
        pattern={props.pattern}
        autocomplete={props.autocomplete}
        aria-describedby={props.error ? `${id}-erreur` : undefined}
      />
      {props.error ? (
        <p class="fr-error-text" id={`${id}-erreur`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function TextArea(props: {
  name: string;
  label: string;
  value?: string;
  hint?: string;
  required?: boolean;
  error?: string;
}) {
  const id = `f-${props.name}`;
  return (
    <div class={`fr-input-group${props.error ? " fr-input-group--error" : ""}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required ? " (obligatoire)" : ""}
        {props.hint ? <span class="fr-hint-text">{props.hint}</span> : null}
      </label>
      <textarea class="fr-input" id={id} name={props.name} rows={3} required={props.required} maxlength={2000}>
        {props.value ?? ""}
      </textarea>
      {props.error ? <p class="fr-error-text">{props.error}</p> : null}
    </div>
  );
}

export function Select(props: {
  name: string;
  label: string;
  options: [string, string][];
  value?: string | null;
  required?: boolean;
  error?: string;
  /** A first, empty choice (« Tous », « — »). */
  empty?: string;
}) {
  const id = `f-${props.name}`;
  return (
    <div class={`fr-select-group${props.error ? " fr-select-group--error" : ""}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required ? " (obligatoire)" : ""}
      </label>
      <select class="fr-select" id={id} name={props.name} required={props.required}>
        {props.empty !== undefined ? <option value="">{props.empty}</option> : null}
        {props.options.map(([v, text]) => (
          <option value={v} selected={v === (props.value ?? "")}>
            {text}
          </option>
        ))}
      </select>
      {props.error ? <p class="fr-error-text">{props.error}</p> : null}
    </div>
  );
}

export function Checkbox(props: { name: string; label: string; hint?: string; checked?: boolean; required?: boolean }) {
  const id = `f-${props.name}`;
  return (
    <div class="fr-checkbox-group fr-mb-2w">
      <input type="checkbox" id={id} name={props.name} value="on" checked={props.checked} required={props.required} />
      <label class="fr-label" for={id}>
        {props.label}
        {props.hint ? <span class="fr-hint-text">{props.hint}</span> : null}
      </label>
    </div>
  );
}

/**
 * The first field of every form that changes something: a key made when the page is drawn, so that the
 * same form sent twice (a double click, a resent page) is carried out once (src/lib/idempotency.ts).
 */
export const ONCE_FIELD = "idempotencyKey";
export function OnceField() {
  return <input type="hidden" name={ONCE_FIELD} value={crypto.randomUUID()} />;
}

/** A one-button form (POST): an action on the page it sits in; put several in `Actions`. */
export function ActionButton(props: {
  action: string;
  text: string;
  secondary?: boolean;
  hidden?: Record<string, string>;
  id?: string;
}) {
  return (
    <form method="post" action={props.action}>
      <OnceField />
      {Object.entries(props.hidden ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={`fr-btn${props.secondary ? " fr-btn--secondary" : ""}`} id={props.id}>
        {props.text}
      </button>
    </form>
  );
}

/** Buttons and links side by side. */
export function Actions(props: { children: Child[] | Child }) {
  const items = (Array.isArray(props.children) ? props.children : [props.children]).filter((c) => c);
  return (
    <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
      {items.map((c) => (
        <li>{c}</li>
      ))}
    </ul>
  );
}

/** A list's filters on one row (a GET form: the result is a shareable address). */
export function Filters(props: { action: string; children: Child; submit?: string }) {
  return (
    <form method="get" action={props.action} class="fr-mb-3w" id="filtres">
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        {[props.children]
          .flat()
          .filter((c) => c)
          .map((c) => (
            <div class="fr-col-12 fr-col-md-3">{c}</div>
          ))}
        <div class="fr-col-12 fr-col-md-3">
          <button type="submit" class="fr-btn fr-btn--secondary fr-mb-3v">
            {props.submit ?? "Filtrer"}
          </button>
        </div>
      </div>
    </form>
  );
}

/** « Page suivante » of a keyset-paginated list, keeping the filters. */
export function NextPage(props: { path: string; query: Record<string, string | undefined>; cursor: string | null }) {
  if (!props.cursor) return null;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(props.query)) if (v) q.set(k, v);
  q.set("cursor", props.cursor);
  return (
    <p>
      <a class="fr-link" href={`${props.path}?${q}`}>
        Page suivante
      </a>
    </p>
  );
}

/** A secret shown once, to copy now. */
export function ShownOnce(props: { what: string; value: string; id: string }) {
  return (
    <div class="fr-callout fr-mb-3w">
      <h2 class="fr-callout__title">{props.what}</h2>
      <p class="fr-callout__text">
        Copiez-la maintenant et transmettez-la par un canal sûr : elle n'est affichée qu'une fois, le registre n'en
        garde que l'empreinte ou ne la montre plus.
      </p>
      <p>
        <code id={props.id}>{props.value}</code>
      </p>
    </div>
  );
}
