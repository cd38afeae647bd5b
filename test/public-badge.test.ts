/** GET /badge/{code}.svg and GET /verify/{code}: every state, accessibility, security headers. */
import { beforeAll, describe, expect, it } from "vitest";
import { parisDay } from "../src/domain/badge";
import { type LabelOverrides, makeAssignment, makeCertifier, makeLabel, makeStructure } from "./factories";
import { call } from "./helpers";

let n = 0;
let oc: { id: string };
const get = (path: string, headers: Record<string, string> = {}) => call("GET", path, { token: null, headers });
const yesterday = (() => {
  const t = new Date(`${parisDay(new Date())}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
})();

async function withLabel(over: LabelOverrides = {}) {
  const s = await makeStructure({ code: `PUBB-${++n}`, name: `Mairie d'essai n°${n} <b>&</b>` });
  await makeAssignment(s.code, oc.id);
  const number = (await makeLabel({ structureCode: s.code, certifierId: oc.id, ...over })).number;
  return { code: s.code, number };
}

beforeAll(async () => {
  oc = await makeCertifier({ name: "Organisme Badge Test" });
});

/** Attribute of the root <svg>. */
const attr = (svg: string, name: string) => svg.match(new RegExp(`^<svg[^>]* ${name}="([^"]*)"`))?.[1];

describe("GET /badge/{code}.svg", () => {
  const cases = [
    [{ tier: "bronze", expiresOn: "2029-03-30" }, "valid", "Bronze · valide jusqu&apos;au 30/03/2029"],
    [{ tier: "argent", expiresOn: "2029-03-30" }, "valid", "Argent · valide jusqu&apos;au 30/03/2029"],
    [{ tier: "or", expiresOn: "2029-03-30" }, "valid", "Or · valide jusqu&apos;au 30/03/2029"],
    [{ tier: "or", status: "suspended" }, "suspended", "Or · suspendu"],
    // A withdrawn or expired label's tier no longer holds: the badge does not show it (src/domain/badge.ts).
    [{ tier: "argent", status: "withdrawn" }, "withdrawn", "retiré"],
    [{ tier: "bronze", status: "expired", expiresOn: yesterday }, "expired", "expiré"],
    [{ tier: "or", status: "valid", expiresOn: yesterday }, "expired", "expiré"],
  ] as const;

  it.each(cases)("%o → %s", async (fixture, status, message) => {
    const l = await withLabel(fixture);
    const r = await get(`/badge/${l.code}.svg`);
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(r.headers.get("X-Label-Status")).toBe(status);
    expect(r.text).toContain(`>${message}</text>`);
    expect(r.text).toContain(">Services Publics +</text>");
    expect(attr(r.text, "role")).toBe("img");
    expect(attr(r.text, "aria-label")).toMatch(
      status === "valid" || status === "suspended"
        ? /^Label Services Publics \+ : palier /
        : new RegExp(`^Label Services Publics \\+ : label ${message}$`),
    );
    expect(r.text).toContain(`<title>${attr(r.text, "aria-label")}</title>`);
    expect(attr(r.text, "height")).toBe("20");
  });

  it("non labellisé for a known structure without label; inconnu (still an SVG, 200) for unknown or malformed codes", async () => {
    const s = await makeStructure({ code: `PUBB-${++n}` });
    const none = await get(`/badge/${s.code}.svg`);
    expect(none.headers.get("X-Label-Status")).toBe("none");
    expect(none.text).toContain(">non labellisé</text>");
    for (const p of [
      "/badge/NOPE-NOPE.svg",
      "/badge/%3Cscript%3E.svg",
      "/badge/x.svg",
      `/badge/${"A".repeat(300)}.svg`,
    ]) {
      const r = await get(p);
      expect(r.status, p).toBe(200);
      expect(r.headers.get("Content-Type"), p).toContain("image/svg+xml");
      expect(r.text, p).toMatch(/^<svg [^>]*role="img"/);
      expect(r.text, p).toContain(">inconnu</text>");
      expect(r.text, p).not.toContain("<script");
    }
    // Another extension, or none, is the same badge: it redirects to `.svg`.
    expect((await get("/badge/x.png")).headers.get("Location")).toBe("/badge/x.svg");
  });

  it("measures text: the width grows with the message, and follows badge-maker's Verdana widths", async () => {
    const short = await get("/badge/NOPE-2.svg");
    const long = await withLabel({ tier: "argent", expiresOn: "2029-03-30" });
    const longer = await get(`/badge/${long.code}.svg`);
    const w = (svg: string) => Number(attr(svg, "width"));
    expect(w(longer.text)).toBeGreaterThan(w(short.text) + 100);
    // Two different messages of equal character count have different measured widths
    const wide = await withLabel({ tier: "or", status: "withdrawn" }); // « retiré »
    const narrow = await withLabel({ tier: "or", status: "expired", expiresOn: yesterday }); // « expiré »
    const a = w((await get(`/badge/${wide.code}.svg`)).text);
    const b = w((await get(`/badge/${narrow.code}.svg`)).text);
    expect(a).not.toBe(b);
  });

  it("is embeddable anywhere, cached, and inert when opened alone", async () => {
    const l = await withLabel();
    const r = await get(`/badge/${l.code}.svg`);
    expect(r.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(r.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
    expect(r.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(r.headers.get("Cache-Control")).toBe("public, max-age=300");
    const again = await get(`/badge/${l.code}.svg`, { "If-None-Match": r.headers.get("ETag")! });
    expect(again.status).toBe(304);
    expect(again.headers.get("X-Cache")).toBe("HIT");
  });
});

describe("GET /verify/{code}", () => {
  it("shows the truth, the date of the check, the history, the JSON link and the embed snippet", async () => {
    const l = await withLabel({ tier: "argent", awardedOn: "2026-03-31", expiresOn: "2029-03-30" });
    const r = await get(`/verify/${l.code}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(r.text.startsWith('<!doctype html><html lang="fr"')).toBe(true);
    expect(r.text).toContain("Label valide — palier Argent");
    expect(r.text).toContain("fr-badge--success");
    expect(r.text).toMatch(/Vérifié le <time datetime="[^"]+">\d+ \S+ \d{4} à \d\d:\d\d<\/time>/);
    expect(r.text).toContain("31 mars 2026");
    expect(r.text).toContain("Valide jusqu&#39;au (inclus)</th><td>30 mars 2029");
    expect(r.text).toContain("Organisme Badge Test");
    const hist = r.text.slice(r.text.indexOf("Historique des changements"));
    expect(hist.indexOf("Attribué")).toBeGreaterThan(-1);
    expect(r.text).toContain(`href="http://localhost:8787/v1/public/labels/${l.code}"`);
    // The snippet is shown as text (escaped), not rendered.
    expect(r.text).toContain(
      `&lt;a href=&quot;http://localhost:8787/verify/${l.code}&quot;&gt;&lt;img src=&quot;http://localhost:8787/badge/${l.code}.svg&quot;`,
    );
    // The structure's name is escaped wherever it appears.
    expect(r.text).not.toContain("<b>&</b>");
    expect(r.text).toContain("/vendor/dsfr/dsfr.min.css");
    expect(r.text).not.toMatch(/<script/i);
  });

  it("sends strict security headers", async () => {
    const l = await withLabel();
    const r = await get(`/verify/${l.code}`);
    const csp = r.headers.get("Content-Security-Policy")!;
    for (const d of ["default-src 'none'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
      expect(csp).toContain(d);
    }
    expect(csp).not.toContain("script-src");
    expect(csp).not.toContain("unsafe");
    expect(r.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(r.headers.get("X-Frame-Options")).toBe("DENY");
    expect(r.headers.get("Referrer-Policy")).toBeTruthy();
    expect(r.headers.get("Strict-Transport-Security")).toContain("max-age=");
    expect(r.headers.get("ETag")).toMatch(/^W\//);
  });

  it("a structure without label, and an unknown code (French 404 page, not cached)", async () => {
    const s = await makeStructure({ code: `PUBB-${++n}` });
    const none = await get(`/verify/${s.code}`);
    expect(none.status).toBe(200);
    expect(none.text).toContain("Cette structure n&#39;est pas labellisée");
    // Never labelled: no history to show, no badge to embed.
    expect(none.text).not.toContain("Historique");
    expect(none.text).not.toContain("code-integration");
    const unknown = await get("/verify/NOPE-VERIFY");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toContain("text/html");
    expect(unknown.headers.get("Cache-Control")).toBe("no-store");
    expect(unknown.text).toContain("Structure inconnue");
    expect(unknown.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  });
});

describe("/badge.js: the badge's status for screen readers", () => {
  it("is a small dependency-free script any site may load, and the verification page offers both embeds", async () => {
    const r = await call("GET", "/badge.js", { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(r.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(r.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
    expect(r.text.length).toBeLessThan(2000);
    expect(r.text).not.toMatch(/\bimport\b|\brequire\(|document\.cookie|localStorage|eval\(/);
    // It writes the badge's own accessible sentence into the image's alt, nothing else.
    expect(r.text).toContain('getAttribute("aria-label")');
    expect(r.text).toContain("img.alt = said");
    const etag = r.headers.get("ETag")!;
    expect((await call("GET", "/badge.js", { token: null, headers: { "If-None-Match": etag } })).status).toBe(304);

    const { code, name } = await makeStructure({ code: "EMBED-1", name: "Mairie d'Embed" });
    const oc = await makeCertifier();
    await makeLabel({ structureCode: code, certifierId: oc.id });
    const page = (await call("GET", `/verify/${code}`, { token: null })).text;
    expect(page).toContain(`&lt;script src=&quot;http://localhost:8787/badge.js&quot; async&gt;&lt;/script&gt;`);
    expect(page).toContain('id="code-integration-sans-script"');
    // The plain snippet's alt says what stays true: whose badge, and where its status is.
    expect(page).toContain(
      `alt=&quot;Label Services Publics + de ${name.replace("'", "&#39;")} : statut à jour sur la page de vérification du registre&quot;`,
    );
  });
});
