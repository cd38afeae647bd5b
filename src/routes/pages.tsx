/**
 * The public pages around the verification page: the home page, the search (`/verify?q=`), the legal
 * notice, the accessibility statement and the integration guide. French, DSFR, no JavaScript (the
 * strict HTML CSP of src/lib/security-headers.ts, which lets the search form submit to this origin).
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../app-env";
import { findPublicLabel } from "../db/public";
import { searchPublicStructures } from "../db/public-search";
import { parisDay } from "../domain/badge";
import { LABEL_NUMBER_PATTERN } from "../domain/identifiers";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { HTML_SECURITY_HEADERS } from "../lib/security-headers";
import { HomePage, SEARCH_PAGE_SIZE, SearchPage } from "../pages/home";
import { AccessibilityPage, IntegrationPage, LegalPage } from "../pages/info";
import { renderPage } from "../pages/layout";
import { cached, PUBLIC_CACHE_CONTROL, weakEtag } from "../public/cache";
import { toPublicLabel } from "../public/present";
import { publicDb } from "./public";

export const pagesRouter = router();

const HTML = { "Content-Type": "text/html; charset=utf-8", ...HTML_SECURITY_HEADERS };

/** A page that depends on nothing but the code: edge-cached by path like the verification page. */
async function staticPage(page: Child) {
  const body = await renderPage(page);
  return new Response(body, {
    headers: { ...HTML, "Cache-Control": PUBLIC_CACHE_CONTROL, ETag: await weakEtag(body) },
  });
}

pagesRouter.get("/", (c) => cached(c, () => staticPage(<HomePage />)));
pagesRouter.get("/mentions-legales", (c) => cached(c, () => staticPage(<LegalPage />)));
pagesRouter.get("/accessibilite", (c) => cached(c, () => staticPage(<AccessibilityPage />)));
pagesRouter.get("/integration", (c) => cached(c, () => staticPage(<IntegrationPage base={c.env.PUBLIC_BASE_URL} />)));

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
    if (LABEL_NUMBER_PATTERN.test(q.toUpperCase())) {
      const row = await findPublicLabel(db, q.toUpperCase());
      results = row ? [row] : [];
    } else {
      // One more than shown, to know whether to ask for a narrower search.
      results = await searchPublicStructures(db, q, SEARCH_PAGE_SIZE + 1);
    }
  }
  const now = new Date();
  const labels = results.map((r) => toPublicLabel(r, parisDay(now), now.toISOString(), c.env.PUBLIC_BASE_URL));
  const body = await renderPage(<SearchPage q={q} results={labels} />);
  return c.body(body, 200, { ...HTML, "Cache-Control": "public, max-age=60" });
};
pagesRouter.get("/verify", search);
pagesRouter.get("/verify/", search);
