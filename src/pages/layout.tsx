/**
 * The frame of every public page (home, search, verification, legal notice, accessibility,
 * integration): DSFR header and footer, served as static assets from /vendor/dsfr (copied from
 * @gouvfr/dsfr by scripts/copy-assets.mjs). No JavaScript: the CSP forbids every script, so only the
 * DSFR components that work with CSS alone are used.
 */
import type { Child } from "hono/jsx";

export const SERVICE_NAME = "Registre du label « Services Publics + »";

/** The footer's links, one place: the legal pages every French public site carries. */
export const FOOTER_LINKS = [
  { href: "/accessibilite", text: "Accessibilité : non conforme" },
  { href: "/mentions-legales", text: "Mentions légales" },
  { href: "/integration", text: "Intégrer le badge" },
  { href: "/docs", text: "API" },
] as const;

/**
 * The DSFR page frame of every human page (verification, home, problem codes, back-office…). The
 * back-office gives its own home link and a `nav` shown under the header (a plain list: the DSFR's header
 * menu needs JavaScript on small screens).
 */
export function Layout(props: {
  title: string;
  tagline?: string;
  home?: string;
  nav?: Child;
  /** Offered to search engines (production's public pages: `indexable(env)`); otherwise `noindex`. */
  indexable?: boolean;
  children: Child;
}) {
  const home = props.home ?? "/";
  return (
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.indexable ? null : <meta name="robots" content="noindex" />}
        <title>{props.title}</title>
        <link rel="stylesheet" href="/vendor/dsfr/dsfr.min.css" />
        <link rel="icon" href="/vendor/dsfr/favicon/favicon.svg" type="image/svg+xml" />
        <link rel="apple-touch-icon" href="/vendor/dsfr/favicon/apple-touch-icon.png" />
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav aria-label="Accès rapide" class="fr-container">
            <ul class="fr-skiplinks__list">
              <li>
                <a class="fr-link" href="#contenu">
                  Contenu
                </a>
              </li>
              <li>
                <a class="fr-link" href="#pied-de-page">
                  Pied de page
                </a>
              </li>
            </ul>
          </nav>
        </div>
        <header class="fr-header">
          <div class="fr-header__body">
            <div class="fr-container">
              <div class="fr-header__body-row">
                <div class="fr-header__brand fr-enlarge-link">
                  <div class="fr-header__brand-top">
                    <div class="fr-header__logo">
                      <p class="fr-logo">
                        République
                        <br />
                        Française
                      </p>
                    </div>
                  </div>
                  <div class="fr-header__service">
                    <a href={home} title={`Accueil — ${SERVICE_NAME}`}>
                      <p class="fr-header__service-title">{SERVICE_NAME}</p>
                    </a>
                    <p class="fr-header__service-tagline">
                      {props.tagline ?? "Vérifier qu'un service public est labellisé"}
                    </p>
                  </div>
                </div>
              </div>
            </div>
          </div>
        </header>
        {props.nav}
        <main id="contenu" class="fr-container fr-my-6w">
          {props.children}
        </main>
        <footer class="fr-footer" id="pied-de-page">
          <div class="fr-container">
            <div class="fr-footer__body">
              <div class="fr-footer__brand">
                <p class="fr-logo">
                  République
                  <br />
                  Française
                </p>
              </div>
              <div class="fr-footer__content">
                <p class="fr-footer__content-desc">
                  Le registre public du label « Services Publics + » : qui détient le label, à quel palier, jusqu'à
                  quand. Les mêmes informations sont disponibles en données ouvertes.
                </p>
              </div>
            </div>
            <div class="fr-footer__bottom">
              <ul class="fr-footer__bottom-list">
                {FOOTER_LINKS.map((l) => (
                  <li class="fr-footer__bottom-item">
                    <a class="fr-footer__bottom-link" href={l.href}>
                      {l.text}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Whether this deployment offers its public pages to search engines (SEARCH_ENGINE_INDEXING, wrangler.toml). */
export const indexable = (env: { SEARCH_ENGINE_INDEXING?: string }) => env.SEARCH_ENGINE_INDEXING === "on";

/** A page as the browser receives it. */
export async function renderPage(page: Child): Promise<string> {
  return `<!doctype html>${String(await page)}`;
}

/**
 * The search form (home, /verify): a plain GET to /verify, so it works without JavaScript and its
 * result is a shareable address (`/verify?q=Démoville`).
 */
export function SearchForm(props: { q?: string; large?: boolean }) {
  return (
    <search>
      <form action="/verify" method="get" class={`fr-search-bar${props.large ? " fr-search-bar--lg" : ""}`}>
        <label class="fr-label" for="recherche">
          Nom, commune ou code SP+ du service public
        </label>
        <input
          class="fr-input"
          id="recherche"
          name="q"
          type="search"
          value={props.q ?? ""}
          placeholder="Nom, commune ou code SP+"
          maxlength={200}
          autocomplete="off"
        />
        <button class="fr-btn" type="submit" title="Rechercher">
          Rechercher
        </button>
      </form>
    </search>
  );
}
