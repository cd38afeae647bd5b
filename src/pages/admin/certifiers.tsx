/**
 * Certification bodies in the back-office: the list, the registration form, a body's page (habilitation,
 * assigned structures, webhook secrets, API keys, members) and the pages that show a new secret once;
 * and every API key.
 */
import type { Refusal } from "../../admin/forms";
import type { Person } from "../../admin/session";
import type { keysOf, secretsOf } from "../../db/backoffice";
import type { getApiKey, getCertifier } from "../../db/certifiers";
import type { findStructure } from "../../db/structures";
import {
  ActionButton,
  AdminPage,
  Alert,
  Checkbox,
  day,
  Facts,
  Field,
  instant,
  NextPage,
  OnceField,
  Refused,
  Select,
  ShownOnce,
  Table,
} from "./frame";

type Body = Awaited<ReturnType<typeof getCertifier>>;
type Key = Awaited<ReturnType<typeof getApiKey>>;

export const HABILITATION: Record<string, string> = {
  active: "active",
  suspended: "suspendue par la commission",
  revoked: "retirée par la commission",
};

export function CertifierListPage(props: { person: Person; items: Body[]; next: string | null }) {
  return (
    <AdminPage title="Organismes de certification" person={props.person} section="certifiers">
      <p>
        <a class="fr-btn fr-btn--secondary" href="/admin/certifiers/new" id="nouvel-organisme">
          Enregistrer un organisme habilité
        </a>
      </p>
      <Table
        caption="Organismes, par identifiant"
        empty="Aucun organisme enregistré."
        head={["Organisme", "Habilitation", "Du", "Au", "Contact"]}
        id="organismes"
      >
        {props.items.map((b) => (
          <tr>
            <td>
              <a href={`/admin/certifiers/${b.id}`}>{b.name}</a>
            </td>
            <td>{HABILITATION[b.habilitation.status]}</td>
            <td>{day(b.habilitation.from)}</td>
            <td>{day(b.habilitation.until)}</td>
            <td>{b.contactEmail}</td>
          </tr>
        ))}
      </Table>
      <NextPage path="/admin/certifiers" query={{}} cursor={props.next} />
    </AdminPage>
  );
}

/** The fields of a body, for registration (`id` absent) or for its page's edit form. */
function BodyFields(props: { v: Record<string, string>; refusal?: Refusal | null; editing: boolean }) {
  const { v } = props;
  const err = (k: string) => props.refusal?.by[k];
  return (
    <>
      <Field name="name" label="Nom" value={v.name} required maxlength={300} error={err("name")} />
      <Field name="siret" label="SIRET" hint="14 chiffres" value={v.siret} error={err("siret")} />
      <Field
        name="contactEmail"
        label="Adresse de contact"
        type="email"
        value={v.contactEmail}
        required
        error={err("contactEmail")}
      />
      <Field
        name="from"
        label="Habilité à partir du"
        type="date"
        value={v.from}
        required
        error={err("habilitation.from")}
      />
      <Field
        name="until"
        label="Habilité jusqu'au (inclus)"
        type="date"
        value={v.until}
        required
        error={err("habilitation.until")}
      />
      {props.editing ? (
        <Select
          name="status"
          label="État de l'habilitation"
          options={Object.entries(HABILITATION)}
          value={v.status}
          required
          error={err("habilitation.status")}
        />
      ) : null}
    </>
  );
}

export function CertifierFormPage(props: { person: Person; values: Record<string, string>; refusal?: Refusal | null }) {
  return (
    <AdminPage title="Enregistrer un organisme habilité" person={props.person} section="certifiers">
      {props.refusal ? <Refused refusal={props.refusal} /> : null}
      <p>
        Le registre lui crée une clé d'API (lectures de ses structures) et un secret <code>whsec_</code> (signature de
        ses événements), affichés une seule fois à l'étape suivante.
      </p>
      <form method="post" action="/admin/certifiers" id="form-organisme">
        <OnceField />
        <BodyFields v={props.values} refusal={props.refusal} editing={false} />
        <button type="submit" class="fr-btn">
          Enregistrer l'organisme
        </button>
      </form>
    </AdminPage>
  );
}

/** The answer to a registration: the body's credentials, this once. */
export function CertifierCreatedPage(props: { person: Person; body: Body; apiKey: string; webhookSecret: string }) {
  return (
    <AdminPage title={`Organisme enregistré : ${props.body.name}`} person={props.person} section="certifiers">
      <ShownOnce what="Clé d'API de l'organisme" value={props.apiKey} id="cle-api" />
      <ShownOnce what="Secret de signature des événements (whsec_)" value={props.webhookSecret} id="secret-webhook" />
      <p>
        Adresse de ses livraisons : <code>/v1/webhooks/certifiers/{props.body.id}</code> (guide des organismes).
      </p>
      <p>
        <a class="fr-link" href={`/admin/certifiers/${props.body.id}`}>
          Page de l'organisme
        </a>
      </p>
    </AdminPage>
  );
}

export function SecretRotatedPage(props: {
  person: Person;
  body: Body;
  secret: string;
  previousValidUntil: string;
  revoked: boolean;
}) {
  return (
    <AdminPage title={`Nouveau secret pour ${props.body.name}`} person={props.person} section="certifiers">
      <ShownOnce what="Nouveau secret de signature (whsec_)" value={props.secret} id="secret-webhook" />
      <p id="secret-precedent">
        {props.revoked
          ? "Les secrets précédents ne vérifient plus aucune livraison, dès maintenant."
          : `Les secrets précédents vérifient encore les livraisons jusqu'au ${instant(props.previousValidUntil)}.`}
      </p>
      <p>
        <a class="fr-link" href={`/admin/certifiers/${props.body.id}`}>
          Page de l'organisme
        </a>
      </p>
    </AdminPage>
  );
}

export function KeyCreatedPage(props: { person: Person; created: Key & { apiKey: string }; bodyName: string | null }) {
  const back = props.created.certifierId ? `/admin/certifiers/${props.created.certifierId}` : "/admin/api-keys";
  return (
    <AdminPage title="Clé d'API créée" person={props.person} section="api-keys">
      <p>
        {props.created.role === "admin"
          ? "Clé d'administration"
          : `Clé de l'organisme ${props.bodyName ?? props.created.certifierId}`}
        {props.created.name ? ` « ${props.created.name} »` : ""}.
      </p>
      <ShownOnce what="Clé d'API" value={props.created.apiKey} id="cle-api" />
      <p>
        <a class="fr-link" href={back}>
          Retour
        </a>
      </p>
    </AdminPage>
  );
}

export function CertifierPage(props: {
  person: Person;
  body: Body;
  structures: NonNullable<Awaited<ReturnType<typeof findStructure>>>[];
  secrets: Awaited<ReturnType<typeof secretsOf>>;
  keys: Awaited<ReturnType<typeof keysOf>>;
  members: { email: string; disabledAt: string | null }[];
  values: Record<string, string>;
  refusal?: Refusal | null;
  now: string;
}) {
  const b = props.body;
  return (
    <AdminPage title={b.name} person={props.person} section="certifiers">
      <Facts
        caption="Organisme"
        id="fiche"
        rows={[
          ["Identifiant", <code>{b.id}</code>],
          ["SIRET", b.siret ?? "—"],
          ["Contact", b.contactEmail],
          [
            "Habilitation",
            `${HABILITATION[b.habilitation.status]}, du ${day(b.habilitation.from)} au ${day(b.habilitation.until)}`,
          ],
          ["Adresse de ses livraisons", <code>/v1/webhooks/certifiers/{b.id}</code>],
        ]}
      />
      <section id="habilitation">
        <h2>Habilitation et coordonnées</h2>
        {props.refusal ? <Refused refusal={props.refusal} /> : null}
        <form method="post" action={`/admin/certifiers/${b.id}`} id="form-habilitation">
          <OnceField />
          <BodyFields v={props.values} refusal={props.refusal} editing />
          <button type="submit" class="fr-btn fr-btn--secondary">
            Enregistrer
          </button>
        </form>
      </section>

      <section id="structures">
        <h2>Structures attribuées</h2>
        <Table
          caption="Les structures qui l'ont choisi (50 premières)"
          head={["Code SP+", "Nom", "Marché"]}
          empty="Aucune structure ne l'a choisi."
        >
          {props.structures.map((s) => (
            <tr>
              <td>
                <a href={`/admin/structures/${encodeURIComponent(s.code)}`}>{s.code}</a>
              </td>
              <td>{s.name}</td>
              <td>{s.certifier?.contractRef ?? "—"}</td>
            </tr>
          ))}
        </Table>
      </section>

      <section id="secrets">
        <h2>Secrets de signature</h2>
        <Table
          caption="Secrets, du plus récent au plus ancien (jamais affichés de nouveau)"
          empty="Aucun secret en vigueur."
          head={["Émis le", "Vérifie jusqu'au"]}
        >
          {props.secrets.map((s) => (
            <tr>
              <td>{instant(s.createdAt)}</td>
              <td>
                {s.expiresAt
                  ? s.expiresAt > props.now
                    ? instant(s.expiresAt)
                    : `fini le ${instant(s.expiresAt)}`
                  : "en cours"}
              </td>
            </tr>
          ))}
        </Table>
        <form method="post" action={`/admin/certifiers/${b.id}/webhook-secrets`} id="form-secret">
          <OnceField />
          <Checkbox
            name="revokePrevious"
            label="Révoquer les secrets précédents dès maintenant"
            hint="Après une fuite. Sinon, ils restent valides pendant le délai de grâce, le temps que l'organisme change de secret."
          />
          <button type="submit" class="fr-btn fr-btn--secondary">
            Émettre un nouveau secret
          </button>
        </form>
      </section>

      <section id="cles">
        <h2>Clés d'API</h2>
        <KeyTable keys={props.keys.map((k) => ({ ...k, role: "certifier" as const, certifierId: b.id }))} bodies={{}} />
        <form method="post" action="/admin/api-keys" id="form-cle">
          <OnceField />
          <input type="hidden" name="certifierId" value={b.id} />
          <Field
            name="name"
            id="f-key-name"
            label="Nom de la nouvelle clé"
            hint="Pour la reconnaître : « outil qualité », « import »…"
            maxlength={200}
          />
          <button type="submit" class="fr-btn fr-btn--secondary">
            Créer une clé
          </button>
        </form>
      </section>

      <section id="membres">
        <h2>Membres du portail</h2>
        <p>
          Les personnes de l'organisme qui ouvrent son portail par Cloudflare Access :{" "}
          {props.members.length === 0
            ? "aucune."
            : props.members.map((m) => `${m.email}${m.disabledAt ? " (désactivé)" : ""}`).join(", ")}{" "}
          <a href="/admin/users">Gérer les accès</a>
        </p>
      </section>
    </AdminPage>
  );
}

type KeyRow = {
  id: string;
  prefix: string;
  name: string | null;
  role: "admin" | "certifier";
  certifierId: string | null;
  createdAt: string;
  revokedAt: string | null;
};

function KeyTable(props: { keys: KeyRow[]; bodies: Record<string, string>; showOwner?: boolean }) {
  const head = ["Clé", "Nom", ...(props.showOwner ? ["Rôle"] : []), "Créée le", "État", "Action"];
  return (
    <Table caption="Clés (seul leur début est conservé en clair)" head={head} id="table-cles" empty="Aucune clé.">
      {props.keys.map((k) => (
        <tr>
          <td>
            <code>{k.prefix}…</code>
          </td>
          <td>{k.name ?? "—"}</td>
          {props.showOwner ? (
            <td>
              {k.role === "admin" ? (
                "administration"
              ) : (
                <a href={`/admin/certifiers/${k.certifierId}`}>{props.bodies[k.certifierId ?? ""] ?? k.certifierId}</a>
              )}
            </td>
          ) : null}
          <td>{instant(k.createdAt)}</td>
          <td>{k.revokedAt ? `révoquée le ${instant(k.revokedAt)}` : "en vigueur"}</td>
          <td>
            {k.revokedAt ? "—" : <ActionButton action={`/admin/api-keys/${k.id}/revoke`} text="Révoquer" secondary />}
          </td>
        </tr>
      ))}
    </Table>
  );
}

export function ApiKeysPage(props: {
  person: Person;
  keys: KeyRow[];
  bodies: Record<string, string>;
  next: string | null;
}) {
  return (
    <AdminPage title="Clés d'API" person={props.person} section="api-keys">
      <Alert kind="info" title="Une clé est une personne ou un outil">
        <p>
          Une clé d'administration a tous les droits de l'API ; la clé d'un organisme lit ses structures. Révoquer une
          clé prend effet immédiatement.
        </p>
      </Alert>
      <KeyTable keys={props.keys} bodies={props.bodies} showOwner />
      <NextPage path="/admin/api-keys" query={{}} cursor={props.next} />
      <h2>Créer une clé</h2>
      <form method="post" action="/admin/api-keys" id="form-cle">
        <OnceField />
        <Select
          name="certifierId"
          label="Pour"
          options={Object.entries(props.bodies).map(([id, name]) => [id, `l'organisme ${name}`])}
          empty="l'administration (tous les droits)"
        />
        <Field name="name" label="Nom" hint="Pour la reconnaître" maxlength={200} />
        <button type="submit" class="fr-btn fr-btn--secondary">
          Créer la clé
        </button>
      </form>
    </AdminPage>
  );
}
