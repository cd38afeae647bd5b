/**
 * Subscriptions to label events in the back-office: the list, the form, a subscription's page (its
 * state, « Désactiver » / « Réactiver », a new signing secret, its delivery log with « Remettre de
 * nouveau »), and the secret shown once. What each event carries: docs/subscribers.md.
 */
import type { Person } from "../../admin/session";
import { frenchNumber } from "../../domain/french";
import type { getSubscription, listDeliveries } from "../../notifications/subscriptions";
import {
  ActionButton,
  Actions,
  AdminPage,
  Alert,
  Checkbox,
  Facts,
  Field,
  Filters,
  instant,
  NextPage,
  OnceField,
  Refused,
  Select,
  ShownOnce,
  Table,
} from "./frame";
import { DELIVERY_STATES, type FrenchRefusal, knownSentence, NOTIFICATION_TYPES, outsideError } from "./words";

type Subscription = Awaited<ReturnType<typeof getSubscription>>;
type Delivery = Awaited<ReturnType<typeof listDeliveries>>["items"][number];

/** What a subscription watches, in words. */
export function watchText(w: Subscription["watch"]): string {
  if ("structureCode" in w) return `la structure ${w.structureCode}`;
  if ("network" in w) return `le réseau « ${w.network} »`;
  if ("department" in w) return `le département ${w.department}`;
  return "tous les labels";
}

export const WATCH_KINDS: [string, string][] = [
  ["all", "Tous les labels"],
  ["structureCode", "Une structure (son code SP+)"],
  ["network", "Un réseau"],
  ["department", "Un département"],
];

function State({ s }: { s: Subscription }) {
  return s.status === "active" ? (
    <span class="fr-badge fr-badge--sm fr-badge--success">actif</span>
  ) : (
    <span class="fr-badge fr-badge--sm fr-badge--error">désactivé</span>
  );
}

function DeliveryState({ status }: { status: string }) {
  const [text, cls] = DELIVERY_STATES[status] ?? ["autre", ""];
  return <span class={`fr-badge fr-badge--sm ${cls}`}>{text}</span>;
}

function LastError({ error }: { error: string | null }) {
  const e = outsideError(error, "de l'adresse de réception");
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

export function SubscriptionListPage(props: { person: Person; items: Subscription[]; next: string | null }) {
  return (
    <AdminPage title="Abonnements" person={props.person} section="subscriptions">
      <p>
        Les sites et services qui reçoivent, signés, les changements des labels qu'ils suivent (attribution,
        renouvellement, suspension, rétablissement, retrait, expiration, échéance proche). Un abonnement en échec depuis
        3 jours est désactivé, et son contact prévenu par e-mail.
      </p>
      <p>
        <a class="fr-btn fr-btn--secondary" href="/admin/subscriptions/new" id="nouvel-abonnement">
          Nouvel abonnement
        </a>
      </p>
      <Table
        caption="Abonnements, par identifiant"
        head={["Nom", "Suit", "Adresse de réception", "Contact", "État"]}
        id="abonnements"
        empty="Aucun abonnement."
      >
        {props.items.map((s) => (
          <tr>
            <td>
              <a href={`/admin/subscriptions/${s.id}`}>{s.name}</a>
            </td>
            <td>{watchText(s.watch)}</td>
            <td>
              <code>{s.url}</code>
            </td>
            <td>{s.contactEmail}</td>
            <td>
              <State s={s} />
            </td>
          </tr>
        ))}
      </Table>
      <NextPage path="/admin/subscriptions" query={{}} cursor={props.next} />
    </AdminPage>
  );
}

export function SubscriptionFormPage(props: {
  person: Person;
  values: Record<string, string>;
  refusal?: FrenchRefusal | null;
}) {
  const v = props.values;
  const err = (k: string) => props.refusal?.by[k];
  return (
    <AdminPage title="Nouvel abonnement" person={props.person} section="subscriptions">
      {props.refusal ? <Refused refusal={props.refusal} /> : null}
      <form method="post" action="/admin/subscriptions" id="form-abonnement">
        <OnceField />
        <Field name="name" label="Nom" value={v.name} required maxlength={200} error={err("name")} />
        <Field
          name="contactEmail"
          label="Adresse électronique de contact"
          hint="Prévenue si l'abonnement est désactivé après 3 jours d'échecs"
          type="email"
          value={v.contactEmail}
          required
          error={err("contactEmail")}
        />
        <Field
          name="url"
          label="Adresse de réception"
          hint="https:// sur un nom de domaine public ; le registre y envoie chaque événement, signé"
          type="url"
          value={v.url}
          required
          error={err("url")}
        />
        <Select
          name="watchKind"
          label="Ce qui est suivi"
          options={WATCH_KINDS}
          value={v.watchKind ?? "all"}
          required
          error={err("watch")}
        />
        <Field
          name="watchValue"
          label="Code SP+, réseau ou département suivi"
          hint="Vide pour « Tous les labels »"
          value={v.watchValue}
          maxlength={200}
          error={err("watch.structureCode") ?? err("watch.network") ?? err("watch.department")}
        />
        <button type="submit" class="fr-btn">
          Créer l'abonnement
        </button>
      </form>
    </AdminPage>
  );
}

/** Right after creating a subscription or issuing a secret: the secret, shown this once. */
export function SubscriptionSecretPage(props: { person: Person; s: Subscription; secret: string; created: boolean }) {
  return (
    <AdminPage
      title={props.created ? `Abonnement créé : ${props.s.name}` : `Nouveau secret : ${props.s.name}`}
      person={props.person}
      section="subscriptions"
    >
      <ShownOnce what="Secret de signature des événements (whsec_)" value={props.secret} id="secret-abonnement" />
      <p>
        Le destinataire vérifie chaque événement avec ce secret (Standard Webhooks). Un exemple de réception :{" "}
        <code>examples/receiver.mjs</code>.
      </p>
      <p>
        <a class="fr-link" href={`/admin/subscriptions/${props.s.id}`}>
          Page de l'abonnement
        </a>
      </p>
    </AdminPage>
  );
}

export function SubscriptionPage(props: {
  person: Person;
  s: Subscription;
  status?: string;
  deliveries: Delivery[];
  next: string | null;
}) {
  const { s } = props;
  const base = `/admin/subscriptions/${s.id}`;
  return (
    <AdminPage title={`Abonnement : ${s.name}`} person={props.person} section="subscriptions">
      {s.status === "disabled" ? (
        <Alert kind="warning" title="Abonnement désactivé" id="desactive">
          <p>
            {knownSentence(s.disabledReason ?? "") ?? "Désactivé."} Le {instant(s.disabledAt)}. Rien ne lui est remis ;
            réactivé, il reçoit de nouveau les événements, et ses remises en échec se remettent une à une.
          </p>
        </Alert>
      ) : null}
      <Facts
        caption="Abonnement"
        id="abonnement"
        rows={[
          ["Identifiant", <code>{s.id}</code>],
          ["Suit", watchText(s.watch)],
          ["Adresse de réception", <code>{s.url}</code>],
          ["Contact", s.contactEmail],
          ["État", <State s={s} />],
          ["En échec depuis", instant(s.failingSince)],
          ["Créé le", instant(s.createdAt)],
        ]}
      />
      <Actions>
        {s.status === "active" ? (
          <ActionButton
            action={`${base}/status`}
            text="Désactiver"
            secondary
            hidden={{ status: "disabled" }}
            id="desactiver"
          />
        ) : (
          <ActionButton
            action={`${base}/status`}
            text="Réactiver"
            secondary
            hidden={{ status: "active" }}
            id="reactiver"
          />
        )}
      </Actions>
      <h2>Secret de signature</h2>
      <form method="post" action={`${base}/secrets`} id="form-secret">
        <OnceField />
        <p>
          Un nouveau secret est affiché une fois ; les précédents vérifient encore pendant la période de grâce, ou plus
          du tout si vous cochez la case (après une fuite).
        </p>
        <Checkbox name="revokePrevious" label="Révoquer les secrets précédents dès maintenant" />
        <button type="submit" class="fr-btn fr-btn--secondary" id="nouveau-secret">
          Émettre un nouveau secret
        </button>
      </form>
      <h2>Remises</h2>
      <Filters action={base}>
        <Select
          name="status"
          label="État"
          options={Object.entries(DELIVERY_STATES).map(([k, [text]]) => [k, text])}
          value={props.status}
          empty="Tous"
        />
      </Filters>
      <Table
        caption="Remises, de la plus récente à la plus ancienne"
        head={["Créée le", "Événement", "Label", "État", "Essais", "Dernière réponse", "Action"]}
        id="remises"
        empty="Aucune remise."
      >
        {props.deliveries.map((d) => (
          <tr>
            <td>{instant(d.createdAt)}</td>
            <td>
              {NOTIFICATION_TYPES[d.type] ?? "Événement"} (<code>{d.type}</code>)
            </td>
            <td>{d.labelNumber}</td>
            <td>
              <DeliveryState status={d.status} />
            </td>
            <td>{frenchNumber(d.attempts)}</td>
            <td>
              {d.lastStatus ? `HTTP ${d.lastStatus} ` : ""}
              <LastError error={d.lastError} />
            </td>
            <td>
              {s.status === "active" ? (
                <ActionButton action={`${base}/deliveries/${d.id}/redeliver`} text="Remettre de nouveau" secondary />
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </Table>
      <NextPage path={base} query={{ status: props.status }} cursor={props.next} />
    </AdminPage>
  );
}
