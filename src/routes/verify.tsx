/**
 * The human verification page, in French (its components: src/pages/verify.tsx). No JavaScript: the
 * CSP forbids every script. Unknown codes get a French 404 page rather than problem+json: a person
 * reads it. `/verify` without a reference is the search (src/routes/pages.tsx).
 */
import { z } from "@hono/zod-openapi";
import { router } from "../lib/router";
import { indexable, renderPage } from "../pages/layout";
import { NotFoundPage, VerifyPage } from "../pages/verify";
import { weakEtag } from "../public/cache";
import { publicationPolicy } from "../public/last-known";
import { historyResults } from "../public/results";
import { rawSegment, redirect, servePublic } from "../public/serve";
import { apiRoute, canonicalRedirect, headers, noSecurity, notModified } from "./openapi-common";

export const verifyRouter = router();

const Ref = z.object({
  ref: z.string().openapi({ param: { name: "ref", in: "path" }, example: "DEMO-PREF-01" }),
});

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
        "A French page (DSFR, no JavaScript) with the label's status explained, the date of the check, the " +
        "history of status changes, a link to the JSON and, for a valid label only, the badge's embed snippet. " +
        "The reference is matched without regard to case (another spelling answers 301 to the canonical URL). " +
        "Unknown refs answer a French 404 page.",
      request: { params: Ref },
      responses: {
        200: { description: "The page", headers: headers.cache, content: { "text/html": { schema: z.string() } } },
        301: canonicalRedirect,
        304: notModified,
        404: {
          description: "Unknown structure or label (a French page)",
          content: { "text/html": { schema: z.string() } },
        },
        503: {
          description:
            "The database does not answer and nothing recent is known: « Vérification indisponible » (a French page, " +
            "`Retry-After`, never stored). With a recent last known answer, the page answers 200, dated.",
          headers: headers.retryAfter(),
          content: { "text/html": { schema: z.string() } },
        },
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) => {
    // The CSP and the other HTML headers: withSecurityHeaders (src/app.ts), on every HTML answer, cached or not.
    const html = { "Content-Type": "text/html; charset=utf-8" };
    const notFoundPage = async (ref: string) =>
      new Response(await renderPage(<NotFoundPage code={ref} />), {
        status: 404,
        headers: { ...html, "Cache-Control": "no-store" },
      });
    return servePublic(
      c,
      "page",
      rawSegment(c, "/verify/"),
      async (l, ref, _now, { history: events }) => {
        if (!l) return notFoundPage(ref.value);
        // The history comes with the row (or with the last known facts when D1 failed); its stored results
        // are cut by the policy of the moment (a stale page shows the same results).
        const policy = publicationPolicy(c.env);
        const history = events.map((h) => ({ ...h, results: historyResults(h.results ?? null, policy) }));
        const body = await renderPage(
          <VerifyPage l={l} history={history} base={c.env.PUBLIC_BASE_URL} indexable={indexable(c.env)} />,
        );
        const { checkedAt: _, ...stable } = l;
        return new Response(body, { headers: { ...html, ETag: await weakEtag(JSON.stringify([stable, history])) } });
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
      request: { params: Ref },
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
