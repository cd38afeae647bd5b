/** Who may open the back-office through Cloudflare Access, and as what. */
import type { Refusal } from "../../admin/forms";
import type { Person } from "../../admin/session";
import type { listUsers } from "../../db/backoffice-users";
import { ActionButton, AdminPage, Alert, Field, instant, OnceField, Refused, Select, Table } from "./frame";

type User = Awaited<ReturnType<typeof listUsers>>[number];

export function UsersPage(props: {
  person: Person;
  users: User[];
  bodies: Record<string, string>;
  values?: Record<string, string>;
  refusal?: Refusal | null;
}) {
  const v = props.values ?? {};
  return (
    <AdminPage title="Accès au back-office" person={props.person} section="users">
      <Alert kind="info" title="Qui entre, et comment">
        <p>
          Cloudflare Access vérifie l'identité (adresse professionnelle) ; cette table dit ce que chaque adresse peut
          faire ici : administrer le label, ou consulter le portail d'un organisme (ses structures et ses livraisons).
          Une adresse absente ou désactivée n'entre pas, même connue d'Access.
        </p>
      </Alert>
      <Table
        caption="Personnes, les actives d'abord"
        empty="Personne n'a encore accès au back-office."
        head={["Adresse", "Rôle", "Ajoutée", "Dernière modification", "État", "Action"]}
        id="personnes"
      >
        {props.users.map((u) => (
          <tr>
            <td>{u.email}</td>
            <td>
              {u.role === "admin" ? (
                "administration"
              ) : (
                <>
                  membre de <a href={`/admin/certifiers/${u.certifierId}`}>{u.bodyName ?? u.certifierId}</a>
                </>
              )}
            </td>
            <td>
              {instant(u.createdAt)} par <code>{u.createdBy}</code>
            </td>
            <td>
              {instant(u.updatedAt)} par <code>{u.updatedBy}</code>
            </td>
            <td>{u.disabledAt ? `désactivée le ${instant(u.disabledAt)}` : "active"}</td>
            <td>
              {u.disabledAt ? (
                <ActionButton
                  action="/admin/users"
                  text="Réactiver"
                  secondary
                  hidden={{ email: u.email, certifierId: u.certifierId ?? "" }}
                />
              ) : (
                <ActionButton
                  action={`/admin/users/${encodeURIComponent(u.email)}/disable`}
                  text="Désactiver"
                  secondary
                />
              )}
            </td>
          </tr>
        ))}
      </Table>
      <h2>Ajouter une personne, ou changer son rôle</h2>
      {props.refusal ? <Refused refusal={props.refusal} /> : null}
      <form method="post" action="/admin/users" id="form-personne">
        <OnceField />
        <Field
          name="email"
          label="Adresse électronique"
          hint="Celle que Cloudflare Access reconnaît (fournisseur d'identité de l'administration ou de l'organisme)"
          type="email"
          value={v.email}
          required
          error={props.refusal?.by.email}
        />
        <Select
          name="certifierId"
          label="Rôle"
          options={Object.entries(props.bodies).map(([id, name]) => [id, `membre de l'organisme ${name}`])}
          value={v.certifierId}
          empty="administration du label (tous les droits)"
          error={props.refusal?.by.certifierId}
        />
        <button type="submit" class="fr-btn fr-btn--secondary">
          Donner l'accès
        </button>
      </form>
    </AdminPage>
  );
}
