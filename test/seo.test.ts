/**
 * Search engines: production's public pages are indexable (SEARCH_ENGINE_INDEXING on), every other
 * deployment's say `noindex` and its /robots.txt disallows everything; the back-office never is. The
 * sitemap lists the home page and every verification page, as the sitemaps protocol pages them.
 */
import { describe, expect, it } from "vitest";
import { sitemapIndex, sitemapPlan, URLS_PER_SITEMAP, urlSet } from "../src/domain/sitemap";
import { makeStructure } from "./factories";
import { call } from "./helpers";

const PROD = { SEARCH_ENGINE_INDEXING: "on" };
let ip = 0;
const anon = (env?: object) => ({ token: null, env, headers: { "CF-Connecting-IP": `203.0.113.${++ip}` } });
const NOINDEX = '<meta name="robots" content="noindex"/>';

describe("noindex by configuration", () => {
  it("production offers the home page, the verification pages and the guides; the search results stay out", async () => {
    await makeStructure({ code: "SEO-1", name: "Mairie de Référencement" });
    for (const path of ["/", "/verify/SEO-1", "/integration", "/mentions-legales", "/accessibilite"]) {
      const prod = await call("GET", path, anon(PROD));
      expect(prod.status, path).toBe(200);
      expect(prod.text, path).not.toContain(NOINDEX);
    }
    for (const path of ["/verify?q=reference", "/verify/INCONNU-SEO"]) {
      expect((await call("GET", path, anon(PROD))).text, path).toContain(NOINDEX);
    }
  });

  it("development and previews (the default) say noindex on every page", async () => {
    // Another structure: SEO-1's page is in the edge cache (the configuration is one per deployment).
    await makeStructure({ code: "SEO-3", name: "Préfecture de Référencement" });
    for (const path of ["/", "/verify/SEO-3", "/integration"]) {
      expect((await call("GET", path, anon({ SEARCH_ENGINE_INDEXING: "off" }))).text, path).toContain(NOINDEX);
    }
  });

  it("never the back-office nor the private API, whatever the configuration", async () => {
    for (const path of ["/admin/login", "/v1/structures"]) {
      const r = await call("GET", path, { env: PROD });
      expect(r.headers.get("X-Robots-Tag"), path).toBe("noindex, nofollow");
    }
  });
});

describe("/robots.txt", () => {
  it("in production allows the public pages, keeps out the back-office and names the sitemap", async () => {
    const r = await call("GET", "/robots.txt", anon(PROD));
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^User-agent: \*$/m);
    expect(r.text).toMatch(/^Disallow: \/admin$/m);
    expect(r.text).not.toMatch(/^Disallow: \/$/m);
    expect(r.text).toMatch(/^Sitemap: http:\/\/localhost:8787\/sitemap\.xml$/m);
  });

  it("elsewhere disallows everything", async () => {
    const r = await call("GET", "/robots.txt", anon());
    expect(r.text).toMatch(/^Disallow: \/$/m);
    expect(r.text).not.toContain("Sitemap:");
  });
});

describe("/sitemap.xml", () => {
  it("lists the home page and every verification page, cached like the other public answers", async () => {
    await makeStructure({ code: "SEO-2", name: "Caf de Référencement" });
    const r = await call("GET", "/sitemap.xml", anon());
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toMatch(/^application\/xml/);
    expect(r.headers.get("Cache-Control")).toMatch(/^public, max-age=\d+$/);
    expect(r.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/,
    );
    const locs = [...r.text.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
    expect(locs[0]).toBe("http://localhost:8787/");
    expect(locs).toContain("http://localhost:8787/verify/SEO-1");
    expect(locs).toContain("http://localhost:8787/verify/SEO-2");
    expect(new Set(locs).size).toBe(locs.length);
    const again = await call("GET", "/sitemap.xml", anon());
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(again.text).toBe(r.text);
    // File 1 of an index holds the same URLs (home first); a file past the last is 404.
    const first = await call("GET", "/sitemaps/1.xml", anon());
    expect([...first.text.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1])).toEqual(locs);
    expect((await call("GET", "/sitemaps/2.xml", anon())).status).toBe(404);
    expect((await call("GET", "/sitemaps/0.xml", anon())).status).toBe(422);
  });

  it("pages past 50,000 URLs into a sitemap index (the protocol's limit)", () => {
    expect(URLS_PER_SITEMAP).toBe(50_000);
    expect(sitemapPlan(50_000)).toEqual({ kind: "single" });
    expect(sitemapPlan(50_001)).toEqual({ kind: "index", files: 2 });
    expect(sitemapPlan(150_000)).toEqual({ kind: "index", files: 3 });
    expect(sitemapPlan(5, 2)).toEqual({ kind: "index", files: 3 });
    expect(() => urlSet(Array.from({ length: 50_001 }, (_, i) => `https://r.example/verify/S-${i}`))).toThrow();
    expect(sitemapIndex(["https://r.example/sitemaps/1.xml?a=1&b=2"])).toContain(
      "<sitemap><loc>https://r.example/sitemaps/1.xml?a=1&amp;b=2</loc></sitemap>",
    );
  });
});
