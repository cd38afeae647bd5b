/**
 * The citizen's pages: the home page, the search (`/verify?q=`), the verification page in every
 * state, and the legal notice, accessibility statement and integration guide of the footer.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parisDay } from "../src/domain/badge";
import { type LabelOverrides, makeAssignment, makeCertifier, makeLabel, makeStructure } from "./factories";
import { call } from "./helpers";

const get = (path: string) => call("GET", path, { token: null });
/** The visible text of an HTML page, roughly: tags dropped, entities of apostrophes decoded. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");

let oc: { id: string };
let n = 0;
const yesterday = (() => {
  const t = new Date(`${parisDay(new Date())}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
})();

/** A structure of the town « Pagesville » (name, city, network as given), with a label in `status`. */
async function structure(over: Record<string, unknown>, label?: LabelOverrides) {
  const s = await makeStructure({ code: `PAGE-${++n}`, city: "Pagesville", ...over });
  if (!label) return { code: s.code, number: null };
  await makeAssignment(s.code, oc.id);
  return { code: s.code, number: (await makeLabel({ structureCode: s.code, certifierId: oc.id, ...label })).number };
}

const codes: Record<string, string> = {};
beforeAll(async () => {
  oc = await makeCertifier({ name: "Organisme Pages" });
  codes.valid = (await structure({ name: "Préfecture de Pagesville" }, { tier: "or", expiresOn: "2029-03-30" })).code;
  codes.suspended = (
    await structure({ name: "Mairie de Pagesville" }, { tier: "argent", status: "suspended", expiresOn: "2029-03-30" })
  ).code;
  codes.withdrawn = (await structure({ name: "Hôpital de Pagesville" }, { tier: "argent", status: "withdrawn" })).code;
  codes.expired = (
    await structure(
      { name: "Caisse de Pagesville", network: "Caisses d'essai" },
      { tier: "bronze", expiresOn: yesterday },
    )
  ).code;
  codes.none = (await structure({ name: "Lycée de Pagesville" })).code;
  codes.elsewhere = (await structure({ name: "Mairie 100% d'ailleurs", city: "Ailleurs" })).code;
});

describe("GET /", () => {
  it("is a French page that says what the label is, searches, and leads to the data, the API and the guide", async () => {
    const r = await get("/");
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(r.text.startsWith('<!doctype html><html lang="fr"')).toBe(true);
    const t = text(r.text);
    for (const fact of ["Bronze", "Argent", "Or", "pour 3 ans", "organisme de certification", "label Marianne"]) {
      expect(t, fact).toContain(fact);
    }
    expect(r.text).toMatch(/<form action="\/verify" method="get"[^>]*>/);
    expect(r.text).toContain('name="q"');
    for (const href of ["/v1/public/labels?format=csv", "/v1/public/labels", "/docs", "/integration"]) {
      expect(r.text, href).toContain(`href="${href}"`);
    }
    // What each state means, on the home page too.
    for (const s of ["Label valide", "Label suspendu", "Label retiré", "Label expiré", "Non labellisé"]) {
      expect(t, s).toContain(s);
    }
  });

  it("has the footer of a French public site, no script, and the verification page's CSP (forms to itself only)", async () => {
    const r = await get("/");
    expect(r.text).toContain('href="/accessibilite">Accessibilité : non conforme</a>');
    expect(r.text).toContain('href="/mentions-legales">Mentions légales</a>');
    expect(r.text).toContain('rel="icon" href="/vendor/dsfr/favicon/favicon.svg"');
    expect(r.text).not.toMatch(/<script/i);
    const csp = r.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("script-src");
    expect(r.headers.get("Cache-Control")).toBe("public, max-age=300");
    const verify = await get(`/verify/${codes.valid}`);
    expect(verify.headers.get("Content-Security-Policy")).toBe(csp);
  });
});

describe("GET /verify?q= (the search)", () => {
  const foundAt = async (path: string) => {
    const r = await get(path);
    expect(r.status, path).toBe(200);
    return [...r.text.matchAll(/<a href="\/verify\/([^"]+)">/g)].map((m) => m[1]!).sort();
  };
  const found = (q: string) => foundAt(`/verify?q=${encodeURIComponent(q)}`);
  /** The first result, in the page's order (best first). */
  const firstFound = async (q: string) =>
    (await get(`/verify?q=${encodeURIComponent(q)}`)).text.match(/<a href="\/verify\/([^"]+)">/)?.[1];

  it("finds every structure of a town, labelled or not, and links each to its verification page", async () => {
    expect(await found("Pagesville")).toEqual(
      [codes.valid, codes.suspended, codes.withdrawn, codes.expired, codes.none].sort(),
    );
    const r = await get("/verify?q=Pagesville");
    const t = text(r.text);
    expect(t).toContain("5 résultats pour « Pagesville »");
    for (const s of ["Label valide — palier Or", "Label suspendu — palier Argent", "Label retiré", "Label expiré"]) {
      expect(t, s).toContain(s);
    }
  });

  it("matches the name without accents or case, the town, the network and the Code SP+", async () => {
    // Every Pagesville structure is in the network « Préfectures »: all match, the one named so first.
    expect(await firstFound("prefecture de pagesville")).toBe(codes.valid);
    expect(await found("HÔPITAL")).toContain(codes.withdrawn);
    expect(await found("Caisses d'essai")).toEqual([codes.expired]);
    expect(await found("ailleurs")).toEqual([codes.elsewhere]);
    // A Code SP+ comes first (the others share the word « page »).
    expect(await firstFound(codes.none!)).toBe(codes.none);
  });

  it("finds a label by its number", async () => {
    const number = (await call("GET", `/v1/public/labels/${codes.valid}`)).json.labelNumber;
    expect(await found(number)).toEqual([codes.valid]);
  });

  it("takes % and _ literally", async () => {
    expect(await found("100%")).toEqual([codes.elsewhere]);
    // Nothing but punctuation: no word to look for, nothing found (never every structure).
    expect(await found("%")).toEqual([]);
    expect(await found("_")).toEqual([]);
    expect(await found("\u200b")).toEqual([]);
  });

  it("says when nothing matches, and asks for words when none are given", async () => {
    const none = await get("/verify?q=Introuvableville");
    expect(text(none.text)).toContain("Aucun service public ne correspond à « Introuvableville »");
    for (const path of ["/verify", "/verify?q=", "/verify?q=%20%20"]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(text(r.text), path).toContain("Tapez le nom du service public");
    }
  });

  it("escapes what was typed, and refuses a search over 200 characters with a French page", async () => {
    const r = await get(`/verify?q=${encodeURIComponent('<script>alert("x")</script>')}`);
    expect(r.text).not.toContain("<script>");
    expect(r.text).toContain("&lt;script&gt;");
    const long = await get(`/verify?q=${"a".repeat(201)}`);
    expect(long.status).toBe(400);
    expect(long.headers.get("Content-Type")).toContain("text/html");
    expect(text(long.text)).toContain("200 caractères au plus");
  });

  it("/verify/ shows the same search", async () => {
    expect(await found("Pagesville")).toEqual(await foundAt("/verify/?q=Pagesville"));
  });
});

describe("GET /verify/{code}: every state reads right", () => {
  const page = async (code: string) => text((await get(`/verify/${code}`)).text);

  it("valid: the tier, « Valide jusqu'au », and the embed snippet", async () => {
    const r = await get(`/verify/${codes.valid}`);
    const t = text(r.text);
    expect(t).toContain("Label valide — palier Or");
    expect(t).toContain("Valide jusqu'au (inclus) 30 mars 2029");
    expect(t).toContain("le label court jusqu'à la date affichée");
    expect(r.text).toContain('id="code-integration"');
  });

  it("suspended: the tier, since when, what it means; no « Valide jusqu'au », no snippet", async () => {
    const r = await get(`/verify/${codes.suspended}`);
    const t = text(r.text);
    expect(t).toContain("Label suspendu — palier Argent");
    expect(t).toMatch(/Suspendu depuis le \d+/);
    expect(t).toContain("ne peut pas se prévaloir du label");
    expect(t).not.toContain("Valide jusqu'au");
    expect(r.text).not.toContain('id="code-integration"');
  });

  it("withdrawn: no tier in the headline, the day of the withdrawal; no « Valide jusqu'au », no snippet", async () => {
    const r = await get(`/verify/${codes.withdrawn}`);
    const t = text(r.text);
    expect(t).toContain("Label retiré");
    expect(t).not.toContain("palier Argent");
    expect(t).not.toMatch(/Palier Argent/);
    expect(t).toMatch(/Retiré le \d+/);
    expect(t).toContain("ce retrait est définitif");
    expect(t).not.toContain("Valide jusqu'au");
    expect(r.text).not.toContain('id="code-integration"');
    // The history keeps the facts, tier included.
    expect(t).toMatch(/Attribué SPP-\d{4}-\d{6} \(Argent\)/);
  });

  it("expired (even before the nightly job): its last day, what it means; no « Valide jusqu'au », no snippet", async () => {
    const r = await get(`/verify/${codes.expired}`);
    const t = text(r.text);
    expect(t).toContain("Label expiré");
    expect(t).not.toContain("palier Bronze");
    expect(t).toContain("Dernier jour de validité");
    expect(t).toContain("terme de sa durée de validité");
    expect(t).not.toContain("Valide jusqu'au");
    expect(r.text).not.toContain('id="code-integration"');
  });

  it("no label: what it means, and a search for another one", async () => {
    const t = await page(codes.none!);
    expect(t).toContain("Cette structure n'est pas labellisée");
    expect(t).toContain("ne détient pas le label");
    expect(t).not.toContain("Numéro de label");
    expect(t).toContain("Vérifier un autre service public");
  });
});

describe("the footer's pages", () => {
  it.each([
    ["/mentions-legales", "Mentions légales", "aucun cookie"],
    ["/accessibilite", "Accessibilité", "non conforme"],
    ["/integration", "Intégrer le badge à un site", "/badge/CODE.svg"],
  ])("%s", async (path, title, says) => {
    const r = await get(path);
    expect(r.status).toBe(200);
    expect(r.text).toContain(`<h1>${title}</h1>`);
    expect(text(r.text)).toContain(says);
    expect(r.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  });

  it("the accessibility statement says honestly that no audit was made", async () => {
    expect(text((await get("/accessibilite")).text)).toContain("n'a pas encore fait l'objet d'un audit de conformité");
  });
});

describe("GET /docs", () => {
  it("declares its language, loads Scalar from this origin, and turns off its web fonts and hosted services", async () => {
    const r = await get("/docs");
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^<!doctype html>\s*<html lang="en">/);
    expect(r.text).toContain('src="/vendor/scalar/standalone.js"');
    expect(r.text).not.toMatch(/https?:\/\/(?!localhost)/);
    const config = JSON.parse(r.text.match(/createApiReference\('#app', (\{[\s\S]*?\})\)/)![1]!);
    expect(config).toMatchObject({
      url: "/openapi.json",
      withDefaultFonts: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
      telemetry: false,
    });
  });
});
