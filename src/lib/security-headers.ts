/**
 * Security headers: on every answer (nosniff; no-store unless public), and on HTML answers
 * (verification page, API docs, dev outbox, e-mails previewed there) the strict set below.
 * One middleware in app.ts applies them; /docs loosens only the CSP, to run Scalar's script under a
 * per-request nonce.
 * @see https://owasp.org/www-project-secure-headers/
 */

/**
 * Only our own CSS, fonts and images; no script, no framing, no plugins; forms submit to this origin
 * only (the search form of the home page is a GET to /verify).
 */
export const HTML_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";

export const HTML_SECURITY_HEADERS = {
  "Content-Security-Policy": HTML_CSP,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
} as const;

/**
 * /docs: Scalar's standalone bundle, served from this origin's assets (so /docs works offline), and its
 * inline bootstrap, allowed by nonce; its styles are injected at runtime, hence 'unsafe-inline' for
 * styles only. It fetches
 * /openapi.json from here; nothing may frame it.
 * @see https://github.com/scalar/scalar/tree/main/integrations/hono
 */
export const docsCsp = (nonce: string) =>
  `default-src 'none'; script-src 'self' 'nonce-${nonce}'; ` +
  // Scalar injects its styles at run time; everything else comes from this origin.
  "style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Answers that are not public: the admin and API routes (everything under /v1 but /v1/public), the
 * back-office (/admin) and the dev pages. They carry keys, contacts, secrets: no cache (browser, proxy
 * or CDN) may keep them.
 */
export const isPrivatePath = (path: string) =>
  (path.startsWith("/v1/") && !path.startsWith("/v1/public/")) ||
  path.startsWith("/dev/") ||
  path === "/admin" ||
  path.startsWith("/admin/");

/**
 * Every answer: `nosniff` (a JSON or SVG answer is never run as something else), `no-store` when it is
 * not public (whatever a route set), and on HTML the headers above that a route did not set itself
 * (a route may set a stricter or looser CSP).
 */
export function withSecurityHeaders(res: Response, path: string): Response {
  const out = new Response(res.body, res);
  out.headers.set("X-Content-Type-Options", "nosniff");
  if (isPrivatePath(path)) {
    out.headers.set("Cache-Control", "no-store");
    // Whatever the deployment offers search engines, never the back-office, the API's private answers or dev pages.
    out.headers.set("X-Robots-Tag", "noindex, nofollow");
  }
  if (/^text\/html\b/i.test(out.headers.get("Content-Type") ?? "")) {
    for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) {
      if (!out.headers.has(name)) out.headers.set(name, value);
    }
  }
  return out;
}
