/**
 * What came in and what went out: the webhook inbox (every signed delivery, the answer given, the
 * reason of a rejection, the replay) and the e-mail outbox (retry of a failed e-mail).
 */
import type { Person } from "../../admin/session";
import type { InboxRow } from "../../db/inbox";
import type { findOutboxEmail, listOutbox } from "../../db/outbox";
import { OUTBOX_STATUSES, WEBHOOK_EVENT_STATUSES } from "../../db/schema";
import { frenchNumber } from "../../domain/french";
import { ActionButton, AdminPage, Alert, Facts, Filters, instant, NextPage, Select, Table } from "./frame";
import { emailError, emailKind, eventTypeName, storedRefusal } from "./words";

const DELIVERY_STATUS: Record<string, [string, string]> = {
  received: ["en cours", "fr-badge--info"],
  applied: ["appliquée", "fr-badge--success"],
  duplicate: ["doublon (rien appliqué)", "fr-badge--info"],
  rejected: ["rejetée", "fr-badge--error"],
};

function DeliveryStatus({ status }: { status: string }) {
  const [text, cls] = DELIVERY_STATUS[status] ?? [status, ""];
  return <span class={`fr-badge fr-badge--sm ${cls}`}>{text}</span>;
}

/** JSON indented for reading; anything else as received. */
const readable = (raw: string) => {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
};

function EmailError({ error }: { error: string | null }) {
  const e = emailError(error);
  if (!e) return <>—</>;
  return (
    <>
      {e.french}
      {e.provider ? (
        <>
          {" "}
          <code lang="en">{e.provider}</code>
        </>
      ) : null}
    </>
  );
}

export type InboxQuery = { status?: string; type?: string; certifierId?: string };

export function InboxPage(props: {
  person: Person;
  q: InboxQuery;
  items: InboxRow[];
  bodies: Record<string, string>;
  next: string | null;
}) {
  const admin = props.person.role === "admin";
  return (
    <AdminPage title={admin ? "Livraisons reçues" : "Nos livraisons"} person={props.person} section="webhook-events">
      <p>
        Chaque événement signé reçu par le registre, le plus récent d'abord. Une livraison rejetée se rejoue une fois sa
        cause corrigée (structure enregistrée ou attribuée, habilitation rectifiée).
      </p>
      <Filters action="/admin/webhook-events">
        <Select
          name="status"
          label="État"
          options={WEBHOOK_EVENT_STATUSES.map((s) => [s, DELIVERY_STATUS[s]![0]])}
          value={props.q.status}
          empty="Tous"
        />
        <div class="fr-input-group">
          <label class="fr-label" for="f-type">
            Type d'événement
          </label>
          <input
            class="fr-input"
            type="text"
            id="f-type"
            name="type"
            value={props.q.type ?? ""}
            maxlength={100}
            placeholder="audit.completed"
          />
        </div>
        {admin ? (
          <Select
            name="certifierId"
            label="Organisme"
            options={Object.entries(props.bodies)}
            value={props.q.certifierId}
            empty="Tous"
          />
        ) : null}
      </Filters>
      <Table
        caption="Livraisons, de la plus récente à la plus ancienne"
        empty="Aucune livraison ne correspond."
        head={["Reçue le", "Organisme", "Type", "État", "Raison du rejet", "Copies"]}
        id="livraisons"
      >
        {props.items.map((e) => (
          <tr>
            <td>
              <a href={`/admin/webhook-events/${e.id}`}>{instant(e.receivedAt)}</a>
            </td>
            <td>{props.bodies[e.certifierId] ?? e.certifierId}</td>
            <td>
              {eventTypeName(e.type)} (<code>{e.type}</code>)
            </td>
            <td>
              <DeliveryStatus status={e.status} />
            </td>
            <td>{storedRefusal(e.responseBody, e.error)?.detail ?? "—"}</td>
            <td>{frenchNumber(e.deliveries)}</td>
          </tr>
        ))}
      </Table>
      <NextPage path="/admin/webhook-events" query={props.q} cursor={props.next} />
    </AdminPage>
  );
}

export function DeliveryPage(props: { person: Person; e: InboxRow; bodyName: string; replayable: boolean }) {
  const { e } = props;
  const refusal = storedRefusal(e.responseBody, e.error);
  return (
    <AdminPage
      title={`Livraison : ${eventTypeName(e.type).toLowerCase()} (${e.type})`}
      person={props.person}
      section="webhook-events"
    >
      {e.status === "rejected" && refusal ? (
        <Alert kind="error" title={`Rejetée : ${refusal.title.toLowerCase()}`} id="raison">
          <p>{refusal.detail}</p>
          {refusal.errors.length ? (
            <ul>
              {refusal.errors.map((x) => (
                <li>
                  <strong>{x.field}</strong> (<code>{x.path}</code>) : {x.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      <Facts
        caption="Livraison"
        id="livraison"
        rows={[
          ["Identifiant", <code>{e.id}</code>],
          ["Organisme", props.bodyName],
          ["webhook-id", <code>{e.webhookId}</code>],
          ["État", <DeliveryStatus status={e.status} />],
          ["Reçue le", instant(e.receivedAt)],
          ["Copies reçues", frenchNumber(e.deliveries)],
          ["Appliquée le", instant(e.appliedAt)],
          [
            "Rejouée",
            e.replayedBy ? (
              <>
                le {instant(e.replayedAt)} par <code>{e.replayedBy}</code>
              </>
            ) : (
              "—"
            ),
          ],
          ["Taille", e.payloadSize === null ? "—" : `${frenchNumber(e.payloadSize)} octets`],
        ]}
      />
      {props.replayable ? (
        <ActionButton action={`/admin/webhook-events/${e.id}/replay`} text="Rejouer la livraison" id="rejouer" />
      ) : e.status === "rejected" && e.payloadTruncated ? (
        <p>
          Ne peut pas être rejouée : seul le début du corps (4 Kio) a été gardé. L'organisme doit l'envoyer de nouveau
          sous un nouveau <code>webhook-id</code>.
        </p>
      ) : null}
      <h2>Corps reçu</h2>
      {e.payloadTruncated ? <p>Extrait : les 4 premiers Kio seulement.</p> : null}
      <pre class="fr-text--sm" id="corps">
        <code>{readable(e.payload)}</code>
      </pre>
      <h2>Réponse donnée (HTTP {e.responseStatus ?? "—"})</h2>
      {refusal ? (
        // A refusal's words are the API's English, for the body's developers (GET /v1/webhook-events/{id}
        // gives them as sent): the page says the same in French.
        <p id="reponse">
          Refus « {refusal.title} » : {refusal.detail}
        </p>
      ) : (
        <pre class="fr-text--sm" id="reponse">
          <code>{e.responseBody ? readable(e.responseBody) : "—"}</code>
        </pre>
      )}
      <p>
        <a class="fr-link" href="/admin/webhook-events">
          Toutes les livraisons
        </a>
      </p>
    </AdminPage>
  );
}

const EMAIL_STATUS: Record<string, string> = {
  pending: "en attente",
  sending: "en cours d'envoi",
  sent: "envoyé",
  failed: "en échec",
  skipped: "écarté (plus voulu)",
};

type EmailRow = Awaited<ReturnType<typeof listOutbox>>["items"][number];

export function OutboxPage(props: {
  person: Person;
  q: { status?: string; kind?: string };
  items: EmailRow[];
  next: string | null;
}) {
  return (
    <AdminPage title="E-mails" person={props.person} section="outbox">
      <p>
        Les rappels de renouvellement et avis d'expiration, du plus récent au plus ancien. Un e-mail en échec se renvoie
        une fois la cause corrigée : il repart au prochain passage de l'envoi (toutes les 10 minutes).
      </p>
      <Filters action="/admin/outbox">
        <Select
          name="status"
          label="État"
          options={OUTBOX_STATUSES.map((s) => [s, EMAIL_STATUS[s]!])}
          value={props.q.status}
          empty="Tous"
        />
        <div class="fr-input-group">
          <label class="fr-label" for="f-kind">
            Sorte
          </label>
          <input
            class="fr-input"
            type="text"
            id="f-kind"
            name="kind"
            value={props.q.kind ?? ""}
            maxlength={40}
            placeholder="reminder-90, expiry…"
          />
        </div>
      </Filters>
      <Table
        caption="E-mails"
        empty="Aucun e-mail ne correspond."
        head={["Créé le", "Sorte", "Label", "Destinataires", "Objet", "État", "Essais", "Dernière erreur"]}
        id="emails"
      >
        {props.items.map((e) => (
          <tr>
            <td>
              <a href={`/admin/outbox/${e.id}`}>{instant(e.createdAt)}</a>
            </td>
            <td>{emailKind(e.kind)}</td>
            <td>{e.labelNumber ?? "—"}</td>
            <td>{e.recipients.join(", ")}</td>
            <td>{e.subject}</td>
            <td>{EMAIL_STATUS[e.status] ?? e.status}</td>
            <td>{frenchNumber(e.attempts)}</td>
            <td>
              <EmailError error={e.lastError} />
            </td>
          </tr>
        ))}
      </Table>
      <NextPage path="/admin/outbox" query={props.q} cursor={props.next} />
    </AdminPage>
  );
}

export function EmailPage(props: { person: Person; e: NonNullable<Awaited<ReturnType<typeof findOutboxEmail>>> }) {
  const { e } = props;
  return (
    <AdminPage title={`E-mail : ${e.subject}`} person={props.person} section="outbox">
      <Facts
        caption="E-mail"
        id="email"
        rows={[
          ["Sorte", emailKind(e.kind)],
          ["Label", e.labelNumber ?? "—"],
          ["Destinataires", e.recipients.join(", ")],
          ["État", EMAIL_STATUS[e.status] ?? e.status],
          ["Essais", frenchNumber(e.attempts)],
          ["Prochain essai", instant(e.nextAttemptAt)],
          ["Dernière erreur", <EmailError error={e.lastError} />],
          ["Envoyé le", instant(e.sentAt)],
          ["Transport", e.transport ?? "—"],
        ]}
      />
      {e.status === "failed" ? (
        <ActionButton action={`/admin/outbox/${e.id}/retry`} text="Renvoyer l'e-mail" id="renvoyer" />
      ) : null}
      <h2>Texte</h2>
      <pre class="fr-text--sm">
        <code>{e.text}</code>
      </pre>
    </AdminPage>
  );
}
