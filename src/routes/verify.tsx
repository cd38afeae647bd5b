/**
 * The human verification page, in French, styled with the DSFR (served as static assets from
 * /vendor/dsfr, copied from @gouvfr/dsfr by scripts/copy-assets.mjs). No JavaScript: the CSP forbids
 * every script. Unknown codes get a French 404 page rather than problem+json: a person reads it.
 */
import { z } from "@hono/zod-openapi";
import type { Child } from "hono/jsx";
import { getDb } from "../db/client";
import { publicHistory } from "../db/public";
import { EVENT_NAMES, longFrenchDate, type PublicStatus, statusSentence, TIER_NAMES } from "../domain/badge";
import { router } from "../lib/router";
import { HTML_SECURITY_HEADERS } from "../lib/security-headers";
import { weakEtag } from "../public/cache";
import type { PublicLabel } from "../public/present";
import { rawSegment, redirect, servePublic } from "../public/serve";
import { apiRoute, canonicalRedirect, headers, noSecurity } from "./openapi-common";

export const verifyRouter = router();

const BADGE_CLASS: Record<PublicStatus, string> = {
  valid: "fr-badge--success",
  suspended: "fr-badge--warning",
  withdrawn: "fr-badge--error",
  expired: "fr-badge--info",
  none: "fr-badge--info",
};

const parisTime = (iso: string) =>
  new Intl.DateTimeFormat("fr-FR", {
    timeZone: "Europe/Paris",
    dateStyle: "long",
    timeStyle: "short",
  }).format(new Date(iso));

/** The DSFR page frame shared by the registry's human pages (here and src/routes/problems.tsx). */
export function Layout(props: { title: string; tagline?: string; children: Child }) {
  return (
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/vendor/dsfr/dsfr.min.css" />
      </head>
      <body>
        <header class="fr-header">
          <div class="fr-header__body">
            <div class="fr-container">
              <div class="fr-header__body-row">
                <div class="fr-header__brand">
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
                    <p class="fr-header__service-title">Registre du label « Services Publics + »</p>
                    <p class="fr-header__service-tagline">{props.tagline ?? "Vérification publique d'un label"}</p>
                  </div>
                </div>
              </div>
            </div>
          </div>
        </header>
        <main id="contenu" class="fr-container fr-my-6w">
          {props.children}
        </main>
      </body>
    </html>
  );
}

function Row(props: { term: string; children: Child }) {
  return (
    <tr>
      <th scope="row">{props.term}</th>
      <td>{props.children}</td>
    </tr>
  );
}

type History = Awaited<ReturnType<typeof publicHistory>>;

function VerifyPage({ l, history, base }: { l: PublicLabel; history: History; base: string }) {
  const code = encodeURIComponent(l.structure.code);
  const json = new URL(`/v1/public/labels/${code}`, base).toString();
  const badge = new URL(`/badge/${code}.svg`, base).toString();
  const snippet =
    `<a href="${l.permalink}">` +
    `<img src="${badge}" alt="Label Services Publics + : voir le statut de ${l.structure.name.replace(/"/g, "&quot;")}" height="20">` +
    "</a>";
  return (
    <Layout title={`${statusSentence(l.status, l.tier)} — ${l.structure.name}`}>
      <h1>{l.structure.name}</h1>
      <p class="fr-text--lead">
        <span class={`fr-badge fr-badge--lg ${BADGE_CLASS[l.status]}`} id="statut">
          {statusSentence(l.status, l.tier)}
        </span>
      </p>
      <p id="verifie-le">
        Vérifié le <time datetime={l.checkedAt}>{parisTime(l.checkedAt)}</time> (heure de Paris), à partir du registre
        officiel du label.
      </p>
      <div class="fr-table">
        <table>
          <caption>Le label</caption>
          <tbody>
            <Row term="Code SP+">{l.structure.code}</Row>
            <Row term="Réseau">{l.structure.network}</Row>
            <Row term="Commune">{l.structure.city}</Row>
            {l.labelNumber ? (
              <>
                <Row term="Numéro de label">{l.labelNumber}</Row>
                <Row term="Palier">{l.tier ? TIER_NAMES[l.tier] : "—"}</Row>
                <Row term="Attribué le">{l.awardedOn ? longFrenchDate(l.awardedOn) : "—"}</Row>
                <Row term="Valide jusqu'au (inclus)">{l.expiresOn ? longFrenchDate(l.expiresOn) : "—"}</Row>
                <Row term="Organisme de certification">{l.certifier?.name ?? "—"}</Row>
              </>
            ) : null}
          </tbody>
        </table>
      </div>
      <h2>Historique des changements de statut</h2>
      {history.length === 0 ? (
        <p>Aucun changement de statut enregistré.</p>
      ) : (
        <div class="fr-table">
          <table>
            <caption>Du plus récent au plus ancien</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Événement</th>
                <th scope="col">Label</th>
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Réutiliser cette information</h2>
      <p>
        <a class="fr-link" href={json}>
          Données au format JSON
        </a>
      </p>
      <p>Pour afficher le badge sur votre site, copiez ce code :</p>
      <p>
        <img src={`/badge/${code}.svg`} alt={`Label Services Publics + : ${statusSentence(l.status, l.tier)}`} />
      </p>
      <div class="fr-input-group">
        <label class="fr-label" for="code-integration">
          Code HTML du badge
        </label>
        <textarea class="fr-input" id="code-integration" readonly rows={4}>
          {snippet}
        </textarea>
      </div>
      <p class="fr-text--sm">
        Le badge et cette page se mettent à jour dans les 5 minutes qui suivent tout changement de statut.
      </p>
    </Layout>
  );
}

function NotFoundPage({ code }: { code: string }) {
  return (
    <Layout title="Structure inconnue — Services Publics +">
      <h1>Structure inconnue</h1>
      <p>
        Le registre du label « Services Publics + » ne connaît aucune structure ni aucun label « {code} ». Vérifiez le
        code SP+ ou le numéro de label.
      </p>
    </Layout>
  );
}

const html = (body: string) => `<!doctype html>${body}`;

verifyRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/verify/{ref}",
      operationId: "getVerificationPage",
      security: noSecurity,
      tags: ["public"],
      summary: "Verification page (French, HTML)",
      description:
        "A French page (DSFR, no JavaScript) with the label's status, the date of the check, the history of " +
        "status changes, a link to the JSON and the badge's embed snippet. Unknown refs answer a French 404 page.",
      request: {
        params: z.object({
          ref: z.string().openapi({ param: { name: "ref", in: "path" }, example: "DEMO-PREF-13" }),
        }),
      },
      responses: {
        200: { description: "The page", headers: headers.cache, content: { "text/html": { schema: z.string() } } },
        301: canonicalRedirect,
        304: { description: "Not modified: the `If-None-Match` validator is current", headers: headers.cache },
        404: {
          description: "Unknown structure or label (a French page)",
          content: { "text/html": { schema: z.string() } },
        },
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) => {
    const headers = { "Content-Type": "text/html; charset=utf-8", ...HTML_SECURITY_HEADERS };
    const notFoundPage = async (ref: string) =>
      new Response(html(String(await (<NotFoundPage code={ref} />))), {
        status: 404,
        headers: { ...headers, "Cache-Control": "no-store" },
      });
    return servePublic(
      c,
      "page",
      rawSegment(c, "/verify/"),
      async (l, ref) => {
        if (!l) return notFoundPage(ref.value);
        // No current label means no label at all (every renewal chain ends in a current one): no history.
        // Read from the primary, like the label: this page is cached too.
        const history = l.labelNumber ? await publicHistory(getDb(c.env.DB), l.structure.code) : [];
        const body = html(String(await (<VerifyPage l={l} history={history} base={c.env.PUBLIC_BASE_URL} />)));
        const { checkedAt: _, ...stable } = l;
        return new Response(body, { headers: { ...headers, ETag: await weakEtag(JSON.stringify([stable, history])) } });
      },
      // Shown as typed, escaped by JSX; a reference that can't be one is not worth a lookup.
      (segment) => notFoundPage(safeDecode(segment)),
    );
  },
);

verifyRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/verify/{ref}/",
      operationId: "getVerificationPageSlash",
      security: noSecurity,
      tags: ["public"],
      summary: "Verification page, with a trailing slash",
      description: "The same page: 301 to `/verify/{ref}` (then to the canonical spelling, if need be).",
      request: {
        params: z.object({
          ref: z.string().openapi({ param: { name: "ref", in: "path" }, example: "DEMO-PREF-13" }),
        }),
      },
      responses: { 301: canonicalRedirect },
    },
    { ignoresQuery: true },
  ),
  (c) => redirect(new URL(c.req.url).pathname.replace(/\/+$/, ""), 86_400) as never,
);

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
