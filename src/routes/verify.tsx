/**
 * The human verification page, in French (its components: src/pages/verify.tsx). No JavaScript: the
 * CSP forbids every script. Unknown codes get a French 404 page rather than problem+json: a person
 * reads it. `/verify` without a reference is the search (src/routes/pages.tsx).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { publicHistory } from "../db/public";
import { CODE_SP_PATTERN, LABEL_NUMBER_PATTERN } from "../domain/identifiers";
import { router } from "../lib/router";
import { HTML_SECURITY_HEADERS } from "../lib/security-headers";
import { renderPage } from "../pages/layout";
import { NotFoundPage, VerifyPage } from "../pages/verify";
import { cached, PUBLIC_CACHE_CONTROL, weakEtag } from "../public/cache";
import { lookup, publicDb } from "./public";

export const verifyRouter = router();

verifyRouter.openapi(
  createRoute({
    method: "get",
    path: "/verify/{ref}",
    tags: ["public"],
    summary: "Verification page (French, HTML)",
    description:
      "A French page (DSFR, no JavaScript) with the label's status, the date of the check, the history of " +
      "status changes, a link to the JSON and, for a valid label only, the badge's embed snippet. Unknown refs " +
      "answer a French 404 page.",
    request: {
      params: z.object({
        ref: z.string().openapi({ param: { name: "ref", in: "path" }, example: "DEMO-PREF-13" }),
      }),
    },
    responses: {
      200: { description: "The page", content: { "text/html": { schema: z.string() } } },
      304: { description: "Not modified" },
      404: { description: "Unknown structure or label", content: { "text/html": { schema: z.string() } } },
    },
  }),
  async (c) => {
    const { ref } = c.req.valid("param");
    const res = await cached(c, async () => {
      const l = CODE_SP_PATTERN.test(ref) || LABEL_NUMBER_PATTERN.test(ref) ? await lookup(c.env, ref) : null;
      const headers = { "Content-Type": "text/html; charset=utf-8", ...HTML_SECURITY_HEADERS };
      if (!l) {
        const body = await renderPage(<NotFoundPage code={ref} />);
        return new Response(body, { status: 404, headers: { ...headers, "Cache-Control": "no-store" } });
      }
      // No current label means no label at all (every renewal chain ends in a current one): no history.
      const history = l.labelNumber ? await publicHistory(publicDb(c.env), l.structure.code) : [];
      const body = await renderPage(<VerifyPage l={l} history={history} base={c.env.PUBLIC_BASE_URL} />);
      const { checkedAt: _, ...stable } = l;
      return new Response(body, {
        headers: {
          ...headers,
          "Cache-Control": PUBLIC_CACHE_CONTROL,
          ETag: await weakEtag(JSON.stringify([stable, history])),
        },
      });
    });
    return res;
  },
);
