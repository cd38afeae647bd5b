/**
 * The embeddable badge. Never a broken image: an unknown or malformed code still gets an SVG
 * (« inconnu »), answered 200 so every browser draws it. Text widths come from badge-maker
 * (shields.io's renderer), which measures Verdana 11 px glyph by glyph.
 * @see https://github.com/badges/shields/tree/master/badge-maker
 */
import { z } from "@hono/zod-openapi";
import { makeBadge } from "badge-maker";
import type { BadgeModel } from "../domain/badge";
import { CODE_SP_PATTERN, LABEL_NUMBER_PATTERN } from "../domain/identifiers";
import { router } from "../lib/router";
import { cached, PUBLIC_CACHE_CONTROL, weakEtag } from "../public/cache";
import { badgeFor } from "../public/present";
import { apiRoute, headers, noSecurity } from "./openapi-common";
import { lookup } from "./public";

export const badgeRouter = router();

const xmlEscape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!);

/**
 * badge-maker's SVG with our accessible text: `role="img"` is badge-maker's; its `aria-label` and
 * `<title>` (« label: message ») are replaced by a sentence that reads well in French.
 */
export function renderBadge(m: BadgeModel): string {
  const svg = makeBadge({
    label: m.label,
    message: m.message,
    color: m.color,
    labelColor: m.labelColor,
    style: "flat",
  });
  const aria = xmlEscape(m.ariaLabel);
  return svg
    .replace(/aria-label="[^"]*"/, `aria-label="${aria}"`)
    .replace(/<title>[^<]*<\/title>/, `<title>${aria}</title>`)
    .replace(/^<svg /, '<svg lang="fr" ');
}

const SVG_HEADERS = {
  "Content-Type": "image/svg+xml; charset=utf-8",
  "Cache-Control": PUBLIC_CACHE_CONTROL,
  "Access-Control-Allow-Origin": "*",
  // Embedded from any site, even one with Cross-Origin-Embedder-Policy.
  "Cross-Origin-Resource-Policy": "cross-origin",
  // Opened on its own, the SVG may not run script nor load anything.
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
  "X-Content-Type-Options": "nosniff",
};

badgeRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/badge/{file}",
      operationId: "getBadge",
      security: noSecurity,
      tags: ["public"],
      summary: "Embeddable SVG badge",
      description:
        "`/badge/{Code SP+}.svg` (a label number works too). French text: « Services Publics + » and the " +
        "tier with « valide jusqu'au JJ/MM/AAAA », or suspendu / retiré / expiré / non labellisé / inconnu. " +
        'Accessible (`role="img"`, `aria-label`, `<title>`). Unknown codes still get an SVG (« inconnu »). ' +
        "Cached at the edge ≤ 300 s, purged on every status change.",
      request: {
        params: z.object({
          file: z.string().openapi({ param: { name: "file", in: "path" }, example: "DEMO-PREF-13.svg" }),
        }),
      },
      responses: {
        200: {
          description: "The badge",
          headers: {
            ...headers.cache,
            "X-Label-Status": {
              description: "The status drawn: `valid`, `suspended`, `withdrawn`, `expired`, `none` or `unknown`",
              required: true,
              schema: { type: "string" },
            },
          },
          content: { "image/svg+xml": { schema: z.string() } },
        },
        304: { description: "Not modified: the `If-None-Match` validator is current", headers: headers.cache },
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) => {
    const file = c.req.valid("param").file;
    const ref = file.endsWith(".svg") ? file.slice(0, -4) : file;
    const wellFormed = CODE_SP_PATTERN.test(ref) || LABEL_NUMBER_PATTERN.test(ref);
    return cached(c, async () => {
      const label = wellFormed ? await lookup(c.env, ref) : null;
      const svg = renderBadge(badgeFor(label));
      return new Response(svg, {
        headers: { ...SVG_HEADERS, ETag: await weakEtag(svg), "X-Label-Status": label?.status ?? "unknown" },
      });
    });
  },
);
