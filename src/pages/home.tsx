/**
 * The door for citizens: what the label is, in plain words, and a search that leads to the
 * verification pages. The facts restated here are those of docs/domain.md.
 */
import { PUBLIC_STATUSES, STATUS_EXPLANATIONS, statusSentence } from "../domain/badge";
import type { PublicLabel } from "../public/present";
import { Layout, SERVICE_NAME, SearchForm } from "./layout";
import { BADGE_CLASS } from "./verify";

const STATUS_TITLES = {
  valid: "Label valide",
  suspended: "Label suspendu",
  withdrawn: "Label retiré",
  expired: "Label expiré",
  none: "Non labellisé",
} as const;

/** The open data, the API and the guide: the same links on the home page and the search page. */
function Reuse() {
  return (
    <ul>
      <li>
        <a class="fr-link" href="/v1/public/labels?format=csv">
          Tous les labels en CSV (tableur)
        </a>
      </li>
      <li>
        <a class="fr-link" href="/v1/public/labels">
          Tous les labels en JSON
        </a>
      </li>
      <li>
        <a class="fr-link" href="/chiffres.csv">
          Le label en chiffres en CSV
        </a>
      </li>
      <li>
        <a class="fr-link" href="/datapackage.json">
          Description des données ouvertes (Data Package et schémas de tables)
        </a>
      </li>
      <li>
        <a class="fr-link" href="/docs">
          Documentation de l'API
        </a>
      </li>
      <li>
        <a class="fr-link" href="/integration">
          Intégrer le badge à un site
        </a>
      </li>
    </ul>
  );
}

export function HomePage({ indexable }: { indexable: boolean }) {
  return (
    <Layout title={SERVICE_NAME} indexable={indexable}>
      <h1>Ce service public est-il labellisé « Services Publics + » ?</h1>
      <p class="fr-text--lead">
        Cherchez un service public par son nom, sa commune ou son code SP+ : le registre vous dit s'il détient le label,
        à quel palier et jusqu'à quand.
      </p>
      <SearchForm large />

      <h2 class="fr-mt-6w">Le label en bref</h2>
      <p>
        Le label « Services Publics + » distingue les services publics qui tiennent le mieux leurs engagements de
        qualité envers les usagers. Créé en 2023 par l'État, il remplace le label Marianne.
      </p>
      <p>
        Ces engagements sont au nombre de huit : un accueil bienveillant qui admet le droit à l'erreur, un contact
        facile, un accompagnement adapté à chacun, des délais annoncés et tenus, une information claire, des résultats
        de qualité de service publiés, l'avis des usagers pris en compte, et l'éco-responsabilité.
      </p>
      <p>
        Pour obtenir le label, un service public choisit un organisme de certification indépendant, habilité par la
        commission nationale du label. Cet organisme réalise un audit ; une enquête auprès des usagers et une autre
        auprès des agents le complètent. Le label est alors attribué à l'un de trois paliers — <strong>Bronze</strong>,{" "}
        <strong>Argent</strong> ou <strong>Or</strong> — pour 3 ans. L'organisme peut aussi le suspendre ou le retirer.
      </p>
      <p>
        Peuvent être labellisés les services de l'État et ses établissements publics, les lycées et collèges, les
        organismes de sécurité sociale et les hôpitaux publics ; les collectivités locales peuvent aussi s'engager.
      </p>

      <h2>Le label en chiffres</h2>
      <p>
        Combien de services publics sont labellisés, à quel palier, dans quels réseaux et quelles régions, ce qu'en
        disent leurs usagers, et combien de candidats se préparent :{" "}
        <a class="fr-link" href="/chiffres" id="lien-chiffres">
          voir le label en chiffres
        </a>
        .
      </p>

      <h2>Ce que disent les statuts</h2>
      <ul id="statuts">
        {PUBLIC_STATUSES.map((s) => (
          <li>
            <strong>{STATUS_TITLES[s]}</strong> : {STATUS_EXPLANATIONS[s]}
          </li>
        ))}
      </ul>

      <h2>Réutiliser les données</h2>
      <p>
        Le registre est public : la liste des labels est téléchargeable, chaque label se vérifie par une API ouverte, et
        un service labellisé peut afficher sur son site un badge qui se tient à jour tout seul.
      </p>
      <Reuse />
    </Layout>
  );
}

/** How many results a search page shows; more means « précisez votre recherche ». */
export const SEARCH_PAGE_SIZE = 20;

export function SearchPage({ q, results, tooLong }: { q: string; results: PublicLabel[]; tooLong?: boolean }) {
  const title = q ? `Recherche « ${q} » — ${SERVICE_NAME}` : `Rechercher un service public — ${SERVICE_NAME}`;
  const shown = results.slice(0, SEARCH_PAGE_SIZE);
  return (
    <Layout title={title}>
      <h1>Rechercher un service public</h1>
      <SearchForm q={q} />
      {tooLong ? (
        <p class="fr-mt-4w">Votre recherche est trop longue : 200 caractères au plus.</p>
      ) : !q ? (
        <p class="fr-mt-4w">Tapez le nom du service public, sa commune ou son code SP+.</p>
      ) : shown.length === 0 ? (
        <p class="fr-mt-4w" id="resultats-nombre">
          Aucun service public ne correspond à « {q} ». Vérifiez l'orthographe, ou cherchez par commune.
        </p>
      ) : (
        <>
          <p class="fr-mt-4w" id="resultats-nombre">
            {results.length > SEARCH_PAGE_SIZE
              ? `Les ${SEARCH_PAGE_SIZE} premiers résultats pour « ${q} » : précisez votre recherche pour voir les autres.`
              : `${shown.length} résultat${shown.length > 1 ? "s" : ""} pour « ${q} ».`}
          </p>
          <div class="fr-table">
            <table id="resultats">
              <caption>Services publics trouvés</caption>
              <thead>
                <tr>
                  <th scope="col">Service public</th>
                  <th scope="col">Commune</th>
                  <th scope="col">Statut</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((l) => (
                  <tr>
                    <td>
                      <a href={`/verify/${encodeURIComponent(l.structure.code)}`}>{l.structure.name}</a>
                      <br />
                      <span class="fr-text--xs">Code SP+ {l.structure.code}</span>
                    </td>
                    <td>{l.structure.city}</td>
                    <td>
                      <span class={`fr-badge fr-badge--sm ${BADGE_CLASS[l.status]}`}>
                        {statusSentence(l.status, l.tier)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h2 class="fr-mt-6w">Réutiliser les données</h2>
      <Reuse />
    </Layout>
  );
}
