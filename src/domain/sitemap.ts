/**
 * The sitemaps protocol (https://www.sitemaps.org/protocol.html): a file lists at most 50,000 URLs; past
 * that, /sitemap.xml becomes a sitemap index naming one file per 50,000 URLs. Pure: no Hono, no D1.
 */

/** The most URLs one sitemap file may list (the protocol's limit). */
export const URLS_PER_SITEMAP = 50_000;

const xmlEscape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!);

const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';

/** One sitemap file: the URLs as given (absolute, at most URLS_PER_SITEMAP). */
export function urlSet(urls: readonly string[]): string {
  if (urls.length > URLS_PER_SITEMAP) throw new Error(`A sitemap lists at most ${URLS_PER_SITEMAP} URLs`);
  return `${XML}<urlset ${NS}>\n${urls.map((u) => `<url><loc>${xmlEscape(u)}</loc></url>\n`).join("")}</urlset>\n`;
}

/** The sitemap index naming `files` sitemap files (absolute URLs). */
export function sitemapIndex(files: readonly string[]): string {
  return `${XML}<sitemapindex ${NS}>\n${files.map((u) => `<sitemap><loc>${xmlEscape(u)}</loc></sitemap>\n`).join("")}</sitemapindex>\n`;
}

/**
 * How `total` URLs are published, `perFile` a file: one file (/sitemap.xml itself) or an index of
 * `files` numbered files, file n (from 1) holding URLs [(n−1)·perFile, n·perFile).
 */
export function sitemapPlan(
  total: number,
  perFile = URLS_PER_SITEMAP,
): { kind: "single" } | { kind: "index"; files: number } {
  return total <= perFile ? { kind: "single" } : { kind: "index", files: Math.ceil(total / perFile) };
}
