/**
 * The public pages around the verification page: the home page, the search (`/verify?q=`), the legal
 * notice, the accessibility statement and the integration guide. French, DSFR, no JavaScript (the
 * strict HTML CSP of src/lib/security-headers.ts, which lets the search form submit to this origin).
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../app-env";
import { findPublicLabel } from "../db/public";
import { searchPublicStructures } from "../db/public-search";
import { parisDay } from "../domain/badge";
import { DomainError } from "../domain/errors";
import { readRef } from "../domain/public-ref";
import { config } from "../env";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { HomePage, SEARCH_PAGE_SIZE, SearchPage } from "../pages/home";
import { AccessibilityPage, IntegrationPage, LegalPage } from "../pages/info";
import { indexable, renderPage } from "../pages/layout";
import { weakEtag } from "../public/cache";
import { toPublicLabel } from "../public/present";
import { apiRoute, noSecurity } from "./openapi-common";
import { publicDb } from "./public";

export const pagesRouter = router();

// The CSP and the other HTML headers come from withSecurityHeaders (src/app.ts), on every HTML answer.
const HTML = { "Content-Type": "text/html; charset=utf-8" };

/** A page that depends on nothing but the code: browsers and proxies may keep it five minutes. */
async function staticPage(page: Child) {
  const body = await renderPage(page);
  return new Response(body, {
    headers: { ...HTML, "Cache-Control": "public, max-age=300", ETag: await weakEtag(body) },
  });
}

const htmlPage = (description: string) => ({
  200: { description, content: { "text/html": { schema: z.string() } } },
});

const STATIC_PAGES = [
  [
    "/",
    "getHomePage",
    "Home page (French, HTML)",
    "What the label is, and the search",
    (_: string, index: boolean) => <HomePage indexable={index} />,
  ],
  [
    "/mentions-legales",
    "getLegalNotice",
    "Mentions légales (French, HTML)",
    "The legal notice",
    (_: string, index: boolean) => <LegalPage indexable={index} />,
  ],
  [
    "/accessibilite",
    "getAccessibilityStatement",
    "Accessibility statement (French, HTML)",
    "The RGAA status of the public pages, honestly stated",
    (_: string, index: boolean) => <AccessibilityPage indexable={index} />,
  ],
  [
    "/integration",
    "getIntegrationGuide",
    "Integration guide (French, HTML)",
    "How a site embeds the badge and links to the verification page",
    (base: string, index: boolean) => <IntegrationPage base={base} indexable={index} />,
  ],
] as const;

for (const [path, operationId, summary, description, render] of STATIC_PAGES) {
  pagesRouter.openapi(
    apiRoute(
      {
        method: "get",
        path,
        operationId,
        security: noSecurity,
        tags: ["public"],
        summary,
        description: `${description}. DSFR, no JavaScript. Offered to search engines when the deployment says so (SEARCH_ENGINE_INDEXING), \`noindex\` otherwise.`,
        responses: htmlPage("The page"),
      },
      { ignoresQuery: true },
    ),
    async (c) => staticPage(render(c.env.PUBLIC_BASE_URL, indexable(c.env))) as never,
  );
}

/** The longest search accepted (as the open-data listing's `q`). */
const MAX_QUERY = 200;

/**
 * `/verify` and `/verify/`, without a reference: the search. Not edge-cached (the cache keys on the path alone), so
 * every search with words counts against the anonymous limit; browsers may keep it a minute.
 */
const search = async (c: Context<AppEnv>) => {
  const q = (c.req.query("q") ?? "").trim().replace(/\s+/g, " ");
  if (q.length > MAX_QUERY) {
    const body = await renderPage(<SearchPage q={q.slice(0, MAX_QUERY)} results={[]} tooLong />);
    return c.body(body, 400, { ...HTML, "Cache-Control": "no-store" });
  }
  let results: Awaited<ReturnType<typeof searchPublicStructures>> = [];
  if (q) {
    await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
    const db = publicDb(c.env);
    const ref = readRef(q);
    if (ref?.kind === "label") {
      const row = await findPublicLabel(db, ref);
      results = row ? [row] : [];
    } else {
      // One more than shown, to know whether to ask for a narrower search. Nothing searchable in what
      // was typed (invisible characters only) reads as an empty search: the page asks for words.
      results = await searchPublicStructures(db, q, SEARCH_PAGE_SIZE + 1).catch((err) => {
        if (err instanceof DomainError && err.kind === "invalid") return [];
        throw err;
      });
    }
  }
  const now = new Date();
  const labels = results.map((r) =>
    toPublicLabel(r, parisDay(now), now.toISOString(), c.env.PUBLIC_BASE_URL, config(c.env).PUBLICATION_POLICY),
  );
  const body = await renderPage(<SearchPage q={q} results={labels} />);
  return c.body(body, 200, { ...HTML, "Cache-Control": "public, max-age=60" });
};
const searchRoute = (path: string, operationId: string) =>
  apiRoute(
    {
      method: "get",
      path,
      operationId,
      security: noSecurity,
      tags: ["public"],
      summary: "Search a public service (French, HTML)",
      description:
        "`/verify` without a reference: a search by name, town, network, Code SP+ or label number, leading to " +
        "the verification pages. A query over 200 characters answers 400 with the same page.",
      request: {
        query: z.object({
          q: z.string().optional().openapi({ description: "What to look for", example: "Marseille" }),
        }),
      },
      responses: {
        ...htmlPage("The search, and its results"),
        400: {
          description: "The query is too long (the page says so)",
          content: { "text/html": { schema: z.string() } },
        },
      },
    },
    { rateLimited: true, ignoresUnknownQuery: true },
  );
pagesRouter.openapi(searchRoute("/verify", "searchPublicServices"), search as never);
pagesRouter.openapi(searchRoute("/verify/", "searchPublicServicesSlash"), search as never);
