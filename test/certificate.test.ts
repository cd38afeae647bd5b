/**
 * GET /certificate/{ref}.pdf and GET /qr/{ref}.svg: the certificate of a valid label, its QR code decoded
 * by a decoder the registry does not use to encode (jsQR, on a raster drawn from the served SVG), the page
 * that says why for every other state, canonical URLs, the edge cache and its purge, and the links on the
 * verification page. The PDF's text is extracted by an independent parser (Mozilla's pdf.js) in the
 * browser test (test/browser/certificate.mjs), which runs in Node.
 */
import { env } from "cloudflare:workers";
import jsQR from "jsqr";
import { beforeAll, describe, expect, it } from "vitest";
import { parisDay } from "../src/domain/badge";
import { certificateContent, certificateRefusal } from "../src/domain/certificate";
import { grant, office, serveAccessKeys } from "./access";
import {
  type LabelOverrides,
  makeAssignment,
  makeCertifier,
  makeLabel,
  makeStatusChange,
  makeStructure,
} from "./factories";
import { BASE, call, fetchWorker } from "./helpers";

let n = 0;
let oc: { id: string };
const get = (path: string, headers: Record<string, string> = {}) => call("GET", path, { token: null, headers });
const yesterday = (() => {
  const t = new Date(`${parisDay(new Date())}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
})();

async function withLabel(over: LabelOverrides = {}) {
  const s = await makeStructure({ code: `CERT-${++n}`, name: `Mairie d'Évry-Essai n°${n}`, city: "Évry-Essai" });
  await makeAssignment(s.code, oc.id);
  const number = (await makeLabel({ structureCode: s.code, certifierId: oc.id, ...over })).number;
  return { code: s.code, number };
}

serveAccessKeys();
const ADMIN_PERSON = "certificats@ditp.example";

beforeAll(async () => {
  oc = await makeCertifier({ name: "Organisme Certificat Test" });
  await grant(ADMIN_PERSON);
});

/** The bytes of a public answer (call() reads text, which would mangle a PDF). */
async function bytesOf(path: string) {
  const res = await fetchWorker(new Request(`${BASE}${path}`, { redirect: "manual" }));
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/**
 * Rasterises the served SVG (its `M x y h n v1 h-n z` runs, one unit a module) at `scale` pixels a module,
 * as RGBA, and decodes it with jsQR: the registry's encoder is not involved in reading it back.
 */
function decodeQrSvg(svg: string, scale = 4): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const w = size * scale;
  const px = new Uint8ClampedArray(w * w * 4).fill(255);
  const d = /<path fill="#000" d="([^"]+)"/.exec(svg)?.[1] ?? "";
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    const [x, y, len] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let yy = y * scale; yy < (y + 1) * scale; yy++) {
      for (let xx = x * scale; xx < (x + len) * scale; xx++) {
        const i = (yy * w + xx) * 4;
        px[i] = px[i + 1] = px[i + 2] = 0;
      }
    }
  }
  return jsQR(px, w, w)?.data ?? null;
}

describe("the certificate's words (src/domain/certificate.ts)", () => {
  const valid = {
    status: "valid" as const,
    tier: "argent" as const,
    labelNumber: "SPP-2026-000042",
    awardedOn: "2026-03-01",
    expiresOn: "2029-02-28",
    structure: { code: "ABC-1", name: "Mairie d'Ici", city: "Ici" },
    certifier: { name: "OC" },
    permalink: "https://registre.example/verify/ABC-1",
  };
  it("a valid label: French dates, the tier's name, the short file name", () => {
    expect(certificateContent(valid)).toMatchObject({
      tier: "Argent",
      awardedOn: "1er mars 2026",
      validUntil: "28 février 2029",
      fileName: "label-ABC-1.pdf",
      verifyUrl: "https://registre.example/verify/ABC-1",
      scanSentence: "Scannez ce code pour vérifier que ce label est toujours valide",
    });
  });
  it.each(["suspended", "withdrawn", "expired", "none"] as const)("%s: no certificate, and a reason in French", (s) => {
    expect(certificateContent({ ...valid, status: s })).toBeNull();
    expect(certificateRefusal(s).reason).toMatch(/certificat/);
  });
});

describe("GET /certificate/{ref}.pdf", () => {
  it("a valid label: a PDF, inline, named label-{code}.pdf, French metadata, cached with the badge's tags", async () => {
    const l = await withLabel({ tier: "or" });
    const { res, bytes } = await bytesOf(`/certificate/${l.code}.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toBe(`inline; filename="label-${l.code}.pdf"`);
    expect(res.headers.get("X-Label-Status")).toBe("valid");
    expect(res.headers.get("X-Cache")).toBe("MISS");
    const pdf = new TextDecoder("latin1").decode(bytes);
    expect(pdf.startsWith("%PDF-1.")).toBe(true);
    expect(pdf).toContain("/Lang (fr-FR)");
    expect(pdf).toMatch(/\/ToUnicode \d+ 0 R/); // text extracts with its accents (checked by pdf.js in the browser test)
    expect(pdf).toMatch(/\/FontFile2 \d+ 0 R/); // the font is embedded
    const badge = await get(`/badge/${l.code}.svg`);
    expect(res.headers.get("Cache-Tag")).toBe(badge.headers.get("Cache-Tag"));
    expect(res.headers.get("Cache-Tag")).toBe(`spp-code-${l.code},spp-label-${l.number}`);

    const hit = await bytesOf(`/certificate/${l.code}.pdf`);
    expect(hit.res.headers.get("X-Cache")).toBe("HIT");
    expect(hit.bytes).toEqual(bytes);
    const etag = hit.res.headers.get("ETag")!;
    expect((await get(`/certificate/${l.code}.pdf`, { "If-None-Match": etag })).status).toBe(304);
  });

  it("by label number too; other spellings redirect to the canonical URL", async () => {
    const l = await withLabel();
    const byNumber = await bytesOf(`/certificate/${l.number}.pdf`);
    expect(byNumber.res.headers.get("Content-Type")).toBe("application/pdf");
    expect((await get(`/certificate/${l.number.toLowerCase()}.pdf`)).headers.get("Location")).toBe(
      `/certificate/${l.number}.pdf`,
    );
    expect((await get(`/certificate/${l.code.toLowerCase()}.pdf`)).headers.get("Location")).toBe(
      `/certificate/${l.code}.pdf`,
    );
    for (const other of ["", ".PDF", ".html"]) {
      const r = await get(`/certificate/${l.code}${other}`);
      expect(r.status, other).toBe(301);
      expect(r.headers.get("Location"), other).toBe(`/certificate/${l.code}.pdf`);
    }
  });

  const refused = [
    [{ status: "suspended" }, "suspended", "Label suspendu"],
    [{ status: "withdrawn" }, "withdrawn", "Label retiré"],
    [{ status: "expired", expiresOn: yesterday }, "expired", "Label expiré"],
    [{ status: "valid", expiresOn: yesterday }, "expired", "Label expiré"],
  ] as const;
  it.each(refused)(
    "%o: the French page saying why, linking to the verification page",
    async (over, status, headline) => {
      const l = await withLabel(over);
      for (const path of [`/certificate/${l.code}.pdf`, `/qr/${l.code}.svg`]) {
        const r = await get(path);
        expect(r.status, path).toBe(200);
        expect(r.headers.get("Content-Type"), path).toBe("text/html; charset=utf-8");
        expect(r.headers.get("X-Label-Status"), path).toBe(status);
        expect(r.text, path).toContain(`<h1>${headline} : pas de certificat à afficher</h1>`);
        expect(r.text, path).toContain(`href="/verify/${l.code}"`);
        expect(r.text, path).toContain('<html lang="fr"');
        expect(r.text, path).not.toContain("%PDF");
      }
    },
  );

  it("a structure without a label: the page says so; an unknown or malformed reference: a French 404", async () => {
    const s = await makeStructure({ code: `CERT-${++n}` });
    const none = await get(`/certificate/${s.code}.pdf`);
    expect(none.headers.get("X-Label-Status")).toBe("none");
    expect(none.text).toContain("Pas de label : pas de certificat à afficher");
    for (const p of [
      "/certificate/NOPE-NOPE.pdf",
      "/certificate/%3Cscript%3E.pdf",
      "/qr/NOPE-NOPE.svg",
      "/qr/%ZZ.svg",
    ]) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.headers.get("Content-Type"), p).toBe("text/html; charset=utf-8");
      expect(r.text, p).toContain("Structure inconnue");
      expect(r.text, p).not.toContain("<script>");
    }
  });

  it("a suspension purges the cached certificate: the same URL then answers the page saying why", async () => {
    const l = await withLabel();
    expect((await bytesOf(`/certificate/${l.code}.pdf`)).res.headers.get("X-Cache")).toBe("MISS");
    expect((await bytesOf(`/certificate/${l.code}.pdf`)).res.headers.get("X-Cache")).toBe("HIT");
    expect((await get(`/qr/${l.code}.svg`)).headers.get("X-Label-Status")).toBe("valid");
    await makeStatusChange(l.number, "suspend");
    for (const path of [`/certificate/${l.code}.pdf`, `/certificate/${l.number}.pdf`, `/qr/${l.code}.svg`]) {
      const r = await get(path);
      expect(r.headers.get("X-Cache"), path).toBe("MISS");
      expect(r.headers.get("X-Label-Status"), path).toBe("suspended");
      expect(r.text, path).toContain("Label suspendu : pas de certificat à afficher");
    }
    await makeStatusChange(l.number, "reinstate");
    const back = await bytesOf(`/certificate/${l.code}.pdf`);
    expect(back.res.headers.get("Content-Type")).toBe("application/pdf");
  });
});

describe("GET /qr/{ref}.svg", () => {
  it("decodes (jsQR) to the canonical verification URL, by code or by label number", async () => {
    const l = await withLabel();
    const canonical = new URL(`/verify/${l.code}`, env.PUBLIC_BASE_URL).toString();
    for (const path of [`/qr/${l.code}.svg`, `/qr/${l.number}.svg`]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("Content-Type"), path).toBe("image/svg+xml; charset=utf-8");
      expect(r.headers.get("Content-Security-Policy"), path).toBe("default-src 'none'; style-src 'unsafe-inline'");
      expect(r.text, path).toMatch(/^<svg [^>]*role="img"/);
      expect(r.text, path).toContain(`<title>Code QR vers la page de vérification du label : ${canonical}</title>`);
      expect(decodeQrSvg(r.text), path).toBe(canonical);
    }
    // The decoder is no rubber stamp: a damaged code beyond what level Q recovers does not read.
    const r = await get(`/qr/${l.code}.svg`);
    const blank = r.text.replace(/d="[^"]+"/, 'd="M4 4h7v7h-7z"');
    expect(decodeQrSvg(blank)).toBeNull();
    expect((await get(`/qr/${l.code.toLowerCase()}.svg`)).headers.get("Location")).toBe(`/qr/${l.code}.svg`);
    expect((await get(`/qr/${l.code}.png`)).headers.get("Location")).toBe(`/qr/${l.code}.svg`);
  });
});

describe("« Télécharger le certificat à afficher »", () => {
  it("on the verification page of a valid label only", async () => {
    const valid = await withLabel();
    const page = await get(`/verify/${valid.code}`);
    expect(page.text).toContain(`href="/certificate/${valid.code}.pdf" download="label-${valid.code}.pdf"`);
    expect(page.text).toContain("Télécharger le certificat à afficher");
    const suspended = await withLabel({ status: "suspended" });
    expect((await get(`/verify/${suspended.code}`)).text).not.toContain("Télécharger le certificat à afficher");
  });

  it("on the back-office's structure page, while its current label is valid", async () => {
    const valid = await withLabel();
    const page = await office("GET", `/admin/structures/${valid.code}`, { as: ADMIN_PERSON });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="/certificate/${valid.code}.pdf" download="label-${valid.code}.pdf"`);
    const expired = await withLabel({ status: "valid", expiresOn: yesterday });
    const other = await office("GET", `/admin/structures/${expired.code}`, { as: ADMIN_PERSON });
    expect(other.status).toBe(200);
    expect(other.text).not.toContain("Télécharger le certificat à afficher");
  });

  it("the /integration page tells labelled services how to print and display it", async () => {
    const page = await get("/integration");
    expect(page.text).toContain('<h2 id="certificat-a-afficher">Afficher le label dans ses locaux</h2>');
    expect(page.text).toContain("taille réelle");
  });
});
