/**
 * The embeddable badge. Never a broken image: whatever happens — an unknown or malformed code, a
 * throttled client, an internal error — the badge URL answers an SVG, with status 200 so that every
 * browser draws it (the state is in the picture, its text and `X-Label-Status`). Text widths come from
 * badge-maker (shields.io's renderer), which measures Verdana 11 px glyph by glyph.
 * @see https://github.com/badges/shields/tree/master/badge-maker
 */
import { z } from "@hono/zod-openapi";
import { makeBadge } from "badge-maker";
import type { Tier } from "../db/schema";
import { BADGE_LABEL, type BadgeModel, COLOURS, tierPicture } from "../domain/badge";
import { badgeRefSegment } from "../domain/public-ref";
import { ApiError } from "../lib/errors";
import { log, loggableError } from "../lib/log";
import { router } from "../lib/router";
import { conditional, weakEtag } from "../public/cache";
import { BADGE_SCRIPT } from "../public/embed";
import { badgeFor } from "../public/present";
import { servePublic } from "../public/serve";
import { apiRoute, canonicalRedirect, headers, noSecurity, notModified } from "./openapi-common";

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
        'Accessible (`role="img"`, `aria-label`, `<title>`). Never a broken image: an unknown or malformed ' +
        "reference gets « inconnu », a throttled client or an internal error « vérification indisponible », " +
        "always as an SVG with status 200. Another extension, or none, redirects to `.svg`. Cached at the " +
        "edge ≤ 300 s and never past midnight (Paris), purged everywhere on every change.",
      request: {
        params: z.object({
          file: z.string().openapi({ param: { name: "file", in: "path" }, example: "DEMO-PREF-01.svg" }),
        }),
      },
      responses: {
        200: {
          description: "The badge",
          headers: {
            ...headers.cache,
            "X-Label-Status": {
              description:
                "The status drawn: `valid`, `suspended`, `withdrawn`, `expired`, `none`, `unknown`; or " +
                "`throttled` / `unavailable` (« vérification indisponible », `no-store`, `Retry-After` when throttled)",
              required: true,
              schema: { type: "string" },
            },
          },
          content: { "image/svg+xml": { schema: z.string() } },
        },
        301: canonicalRedirect,
        304: notModified,
      },
    },
    // Never 429 nor 500: a throttled or failing badge is still a picture (200, `X-Label-Status`).
    { ignoresQuery: true },
  ),
  async (c) => {
    const file = new URL(c.req.url).pathname.slice("/badge/".length);
    try {
      return await servePublic(
        c,
        "badge",
        badgeRefSegment(file),
        async (label) => svgAnswer(badgeFor(label), label?.status ?? "unknown"),
        () => svgAnswer(badgeFor(null), "unknown", "public, max-age=3600"),
      );
    } catch (err) {
      // Throttled, or anything else going wrong: still a picture, never stored anywhere.
      const throttled = err instanceof ApiError && err.code === "rate-limited";
      if (!throttled) log.error("badge failed", loggableError(err));
      const res = await svgAnswer(unavailable, throttled ? "throttled" : "unavailable", "no-store");
      if (throttled) res.headers.set("Retry-After", err.headers?.["Retry-After"] ?? "60");
      return res;
    }
  },
);

badgeRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/badge.js",
      operationId: "getBadgeScript",
      security: noSecurity,
      tags: ["public"],
      summary: "Script telling screen readers the badges' status",
      description:
        "Optional, for sites that allow a script (a `script` element loading `…/badge.js`, `async`, after the badge): " +
        "for every `<img>` showing a badge of this registry, it fetches the badge and writes its accessible " +
        "French sentence (its `aria-label`, e.g. « Label Services Publics + : palier Or, label suspendu ») into " +
        "the image's `alt`, so assistive technology says the status the picture shows. No dependency, no " +
        "cookie, nothing else changed. The host page's CSP must allow this origin in `script-src` and " +
        "`connect-src`. CORS open; cached an hour.",
      responses: {
        200: {
          description: "The script",
          headers: { ETag: headers.cache.ETag },
          content: { "text/javascript": { schema: z.string() } },
        },
        304: notModified,
      },
    },
    { ignoresQuery: true },
  ),
  async (c) => {
    const res = new Response(BADGE_SCRIPT, {
      headers: {
        "Content-Type": "text/javascript; charset=utf-8",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Cache-Control": "public, max-age=3600",
        ETag: await weakEtag(BADGE_SCRIPT),
      },
    });
    return conditional(c.req.raw, res) as never;
  },
);

badgeRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/badge/palier/{file}",
      operationId: "getTierPicture",
      security: noSecurity,
      tags: ["public"],
      summary: "A tier's picture (the image of the verifiable credentials)",
      description:
        "`/badge/palier/or.svg` (also `argent.svg`, `bronze.svg`): « Services Publics + » and the tier, with " +
        "no status nor date — the `image` every credential of that tier names, for wallets to show.",
      request: {
        params: z.object({
          file: z
            .enum(["bronze.svg", "argent.svg", "or.svg"])
            .openapi({ param: { name: "file", in: "path" }, example: "or.svg" }),
        }),
      },
      responses: {
        200: { description: "The tier's picture", content: { "image/svg+xml": { schema: z.string() } } },
      },
    },
    { ignoresQuery: true },
  ),
  (c) => {
    const tier = c.req.valid("param").file.replace(/\.svg$/, "") as Tier;
    return new Response(renderBadge(tierPicture(tier)), {
      headers: { ...SVG_HEADERS, "Cache-Control": "public, max-age=86400" },
    }) as never;
  },
);

/** What the badge says when it cannot say the truth right now. */
const unavailable: BadgeModel = {
  label: BADGE_LABEL,
  message: "vérification indisponible",
  color: COLOURS.unknown,
  labelColor: COLOURS.label,
  ariaLabel: `Label ${BADGE_LABEL} : vérification momentanément indisponible, réessayez plus tard`,
};

async function svgAnswer(model: BadgeModel, state: string, cacheControl?: string): Promise<Response> {
  const svg = renderBadge(model);
  return new Response(svg, {
    headers: {
      ...SVG_HEADERS,
      ...(cacheControl ? { "Cache-Control": cacheControl } : {}),
      ETag: await weakEtag(svg),
      "X-Label-Status": state,
    },
  });
}
