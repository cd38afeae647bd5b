/**
 * What search engines read: /robots.txt, and /sitemap.xml listing the home page and every verification
 * page (a sitemap index past 50,000 URLs, src/domain/sitemap.ts). Whether the public pages are offered to
 * search engines at all is the deployment's choice (SEARCH_ENGINE_INDEXING, wrangler.toml): production
 * only; development and previews answer « Disallow: / » and every page says `noindex`.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { countPublicCodes, publicCodes } from "../db/public";
import { sitemapIndex, sitemapPlan, URLS_PER_SITEMAP, urlSet } from "../domain/sitemap";
import { ApiError } from "../lib/errors";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { indexable } from "../pages/layout";
import { cachedAnswer, cacheKey, conditional, maxAgeAt, weakEtag } from "../public/cache";
import { apiRoute, headers, noSecurity, notModified, problem } from "./openapi-common";
import { publicDb } from "./public";

export const seoRouter = router();

seoRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/robots.txt",
      operationId: "getRobotsTxt",
      security: noSecurity,
      tags: ["public"],
      summary: "Robots exclusion rules",
      description:
        "RFC 9309. In production (SEARCH_ENGINE_INDEXING on): everything but the back-office and the dev " +
        "pages, and where the sitemap is. Elsewhere (development, previews): `Disallow: /`.",
      responses: { 200: { description: "The rules", content: { "text/plain": { schema: z.string() } } } },
    },
    { ignoresQuery: true },
  ),
  (c) => {
    const body = indexable(c.env)
      ? "User-agent: *\nDisallow: /admin\nDisallow: /dev/\n\n" +
        `Sitemap: ${new URL("/sitemap.xml", c.env.PUBLIC_BASE_URL)}\n`
      : "# Not the production registry: nothing here is for search engines.\nUser-agent: *\nDisallow: /\n";
    return c.body(body, 200, {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "public, max-age=3600",
    }) as never;
  },
);

const xml = { "application/xml": { schema: z.string() } };

/**
 * A sitemap answer from the edge cache, or built and stored for ≤ 300 s like every public answer (not
 * purged: a new structure's page appears in it within that time). Misses count against the anonymous limit.
 */
async function cachedXml(c: Context<AppEnv>, path: string, build: () => Promise<string | null>): Promise<Response> {
  const key = cacheKey(path);
  const hit = await cachedAnswer(key);
  if (hit) return conditional(c.req.raw, hit);
  await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
  const body = await build();
  if (body === null) throw new ApiError("not-found", `No sitemap file ${path}`);
  const now = new Date();
  const maxAge = maxAgeAt(now);
  const res = new Response(body, {
    headers: {
      "Content-Type": "application/xml; charset=utf-8",
      "Cache-Control": `public, max-age=${maxAge}`,
      ETag: await weakEtag(body),
      "X-Cache": "MISS",
    },
  });
  if (maxAge > 0) await caches.default.put(key, res.clone());
  return conditional(c.req.raw, res);
}

const pageUrls = (c: Context<AppEnv>, codes: readonly string[]) =>
  codes.map((code) => new URL(`/verify/${encodeURIComponent(code)}`, c.env.PUBLIC_BASE_URL).toString());

seoRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/sitemap.xml",
      operationId: "getSitemap",
      security: noSecurity,
      tags: ["public"],
      summary: "Sitemap of the public pages",
      description:
        "The sitemaps protocol: the home page and every verification page (`/verify/{Code SP+}`, one per " +
        "known structure, in code order). Past 50,000 URLs, a sitemap index naming `/sitemaps/{n}.xml`, " +
        "50,000 URLs each. Cached at the edge ≤ 300 s.",
      responses: {
        200: { description: "A sitemap, or a sitemap index", headers: headers.cache, content: xml },
        304: notModified,
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  (c) =>
    cachedXml(c, "/sitemap.xml", async () => {
      const db = publicDb(c.env);
      // One more than a file holds tells whether an index is needed, without counting.
      const codes = await publicCodes(db, 0, URLS_PER_SITEMAP);
      const home = new URL("/", c.env.PUBLIC_BASE_URL).toString();
      if (codes.length < URLS_PER_SITEMAP) return urlSet([home, ...pageUrls(c, codes)]);
      const plan = sitemapPlan((await countPublicCodes(db)) + 1);
      const files = plan.kind === "index" ? plan.files : 1;
      return sitemapIndex(
        Array.from({ length: files }, (_, i) => new URL(`/sitemaps/${i + 1}.xml`, c.env.PUBLIC_BASE_URL).toString()),
      );
    }) as never,
);

seoRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/sitemaps/{file}",
      operationId: "getSitemapFile",
      security: noSecurity,
      tags: ["public"],
      summary: "One file of the sitemap index",
      description:
        "`/sitemaps/{n}.xml`, named by /sitemap.xml when there are more than 50,000 URLs: file 1 holds the home " +
        "page and the first 49,999 verification pages in code order, file n the next 50,000. A file past the " +
        "last answers 404. Cached at the edge ≤ 300 s.",
      request: {
        params: z.object({
          file: z
            .string()
            .regex(/^[1-9][0-9]{0,5}\.xml$/)
            .openapi({ param: { name: "file", in: "path" }, example: "1.xml" }),
        }),
      },
      responses: {
        200: { description: "The sitemap file", headers: headers.cache, content: xml },
        304: notModified,
        404: problem("No such file: past the last one"),
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  (c) => {
    const { file } = c.req.valid("param");
    const n = Number.parseInt(file, 10);
    return cachedXml(c, `/sitemaps/${n}.xml`, async () => {
      // File 1 starts with the home page, so it holds one verification page less.
      const offset = n === 1 ? 0 : (n - 1) * URLS_PER_SITEMAP - 1;
      const limit = n === 1 ? URLS_PER_SITEMAP - 1 : URLS_PER_SITEMAP;
      const codes = await publicCodes(publicDb(c.env), offset, limit);
      if (codes.length === 0 && n > 1) return null;
      const urls = pageUrls(c, codes);
      return urlSet(n === 1 ? [new URL("/", c.env.PUBLIC_BASE_URL).toString(), ...urls] : urls);
    }) as never;
  },
);
