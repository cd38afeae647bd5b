/**
 * The pages every French public site carries (legal notice, accessibility statement) and the short
 * guide for the web integrators of labelled services. What is not known to this code (who publishes
 * a given deployment) is said to be unknown, never made up: docs/operators.md asks the operator to
 * complete it before going live.
 */
import { embedSnippet } from "../public/embed";
import { CertificateGuide } from "./certificate";
import { Layout, SERVICE_NAME } from "./layout";

export function LegalPage({ indexable }: { indexable: boolean }) {
  return (
    <Layout title={`Mentions légales — ${SERVICE_NAME}`} indexable={indexable}>
      <h1>Mentions légales</h1>
      <h2>Éditeur</h2>
      <p>
        Ce registre est publié par l'administration qui l'exploite, pour le compte du programme « Services Publics + ».
        L'instance que vous consultez n'a pas encore renseigné son éditeur ni son directeur de publication : tant que ce
        n'est pas fait, ne la tenez pas pour une source officielle.
      </p>
      <h2>Ce que publie ce registre</h2>
      <p>
        Pour chaque service public : son code SP+, son nom, son réseau, sa commune et son département ; pour chaque
        label : son numéro, son palier, son statut, ses dates et le nom de l'organisme de certification. Les adresses
        électroniques et les noms des contacts des services publics ne sont jamais publiés.
      </p>
      <h2>Cookies et suivi</h2>
      <p>
        Ce site ne dépose aucun cookie, ne contient aucun outil de mesure d'audience et n'exécute aucun script : il
        fonctionne sans JavaScript.
      </p>
      <h2>Hébergement</h2>
      <p>
        Le registre fonctionne sur la plateforme Cloudflare Workers ; ses données sont stockées dans une base Cloudflare
        D1.
      </p>
    </Layout>
  );
}

export function AccessibilityPage({ indexable }: { indexable: boolean }) {
  return (
    <Layout title={`Accessibilité — ${SERVICE_NAME}`} indexable={indexable}>
      <h1>Accessibilité</h1>
      <h2>État de conformité</h2>
      <p>
        Ce registre <strong>n'a pas encore fait l'objet d'un audit de conformité</strong> au référentiel général
        d'amélioration de l'accessibilité (RGAA). Tant qu'aucun audit n'a mesuré sa conformité, il est déclaré{" "}
        <strong>non conforme</strong>.
      </p>
      <h2>Ce qui est fait en attendant</h2>
      <ul>
        <li>les pages utilisent le Système de design de l'État (DSFR) et fonctionnent sans JavaScript ;</li>
        <li>
          chaque version est vérifiée automatiquement : aucune erreur relevée par axe-core ni par html-validate sur la
          page d'accueil et les pages de vérification, dans chacun des statuts, et aucun défilement horizontal sur un
          écran de 320 pixels de large ;
        </li>
        <li>
          le badge à intégrer est une image SVG dont le texte accessible donne le statut en toutes lettres, avec des
          couleurs contrastées (rapport d'au moins 4,5:1) ; intégré avec le script du registre, il donne aussi ce statut
          aux lecteurs d'écran sur le site qui l'affiche (sans script, son texte de remplacement renvoie à la page de
          vérification).
        </li>
      </ul>
      <p>
        Des tests automatiques ne détectent qu'une partie des défauts d'accessibilité : ils ne remplacent pas un audit.
      </p>
      <h2>Signaler un défaut</h2>
      <p>
        Si vous ne parvenez pas à accéder à une information, signalez-le à l'administration qui exploite ce registre
        (voir les mentions légales) : elle vous donnera l'information sous une autre forme.
      </p>
    </Layout>
  );
}

export function IntegrationPage({ base, indexable }: { base: string; indexable: boolean }) {
  const u = (path: string) => new URL(path, base).toString();
  return (
    <Layout title={`Intégrer le badge — ${SERVICE_NAME}`} indexable={indexable}>
      <h1>Intégrer le badge à un site</h1>
      <p class="fr-text--lead">
        Un service public labellisé peut afficher sur son site un badge qui se tient à jour tout seul : s'il est
        suspendu, retiré ou expiré, le badge le dit dans les 5 minutes.
      </p>
      <h2>Le code à copier</h2>
      <p>
        Cherchez le service public sur la <a href="/">page d'accueil</a> : sa page de vérification donne, tant que le
        label est valide, le code HTML à coller sur le site. Il a cette forme, où <code>CODE</code> est le code SP+ et{" "}
        <code>NOM</code> le nom du service public :
      </p>
      <div class="fr-input-group">
        <label class="fr-label" for="code-avec-script">
          Le code recommandé
          <span class="fr-hint-text">
            Le badge, et un petit script du registre qui donne son statut aux lecteurs d'écran.
          </span>
        </label>
        <textarea class="fr-input" id="code-avec-script" readonly rows={5}>
          {embedSnippet({ base, code: "CODE", name: "NOM", script: true })}
        </textarea>
      </div>
      <p>
        L'image dit le statut à qui la voit. Mais le texte de remplacement d'une image (<code>alt</code>) est écrit une
        fois pour toutes, quand le code est copié : il ne peut pas dire le statut du jour. Le script{" "}
        <code>badge.js</code> le complète : il lit le badge auprès du registre et en recopie le texte accessible (par
        exemple « Label Services Publics + : palier Or, label suspendu ») dans le texte de remplacement, pour que les
        lecteurs d'écran l'annoncent. Il ne dépose aucun cookie et ne change rien d'autre à la page. Si votre site
        applique une politique de sécurité du contenu (CSP), autorisez l'adresse du registre dans{" "}
        <code>script-src</code> et <code>connect-src</code>.
      </p>
      <div class="fr-input-group">
        <label class="fr-label" for="code-sans-script">
          Le code sans script
          <span class="fr-hint-text">
            Pour les sites qui n'autorisent aucun script : le texte de remplacement renvoie alors à la page de
            vérification, sans pouvoir donner le statut.
          </span>
        </label>
        <textarea class="fr-input" id="code-sans-script" readonly rows={4}>
          {embedSnippet({ base, code: "CODE", name: "NOM", script: false })}
        </textarea>
      </div>
      <p>
        Le lien mène à la page de vérification : le visiteur y voit le statut, les dates et l'historique du label, tels
        que le registre les connaît.
      </p>
      <CertificateGuide />
      <h2>Pour les développeurs</h2>
      <ul>
        <li>
          le statut d'un label en JSON : <code>{u("/v1/public/labels/CODE")}</code> (sans authentification, CORS ouvert)
          ;
        </li>
        <li>
          tous les labels, en <a href="/v1/public/labels">JSON</a> ou en <a href="/v1/public/labels?format=csv">CSV</a>{" "}
          ; la première colonne du CSV, <code>code_sp_de_la_structure</code>, se joint aux données ouvertes du programme
          ;
        </li>
        <li>
          la <a href="/docs">documentation de l'API</a> décrit chaque adresse, ses paramètres et ses réponses.
        </li>
      </ul>
    </Layout>
  );
}
