/**
 * The printable certificate (`/certificate/{ref}.pdf`) and its QR code alone (`/qr/{ref}.svg`). Both
 * exist for a valid label only: for a suspended, withdrawn or expired label, or a structure without one,
 * the same URL answers a French page that says why and leads to the verification page — no stale sheet
 * to print. Served like the badge (src/public/serve.ts): canonical URL, edge cache, same Cache-Tag, so
 * the purge of a change reaches them (docs/adr/0011-printable-certificate.md).
 */
import { z } from "@hono/zod-openapi";
import { certificatePdf } from "../certificate/pdf";
import { qrSvg } from "../certificate/qr";
import { certificateContent } from "../domain/certificate";
import { certificateRefSegment, qrRefSegment, type Surface } from "../domain/public-ref";
import { router } from "../lib/router";
import { NoCertificatePage } from "../pages/certificate";
import { renderPage } from "../pages/layout";
import { NotFoundPage } from "../pages/verify";
import { weakEtag } from "../public/cache";
import type { PublicLabel } from "../public/present";
import { rawSegment, servePublic } from "../public/serve";
import { apiRoute, canonicalRedirect, headers, noSecurity, notModified } from "./openapi-common";

export const certificateRouter = router();

const HTML = { "Content-Type": "text/html; charset=utf-8" };

const labelStatus = {
  "X-Label-Status": {
    description:
      "The label's public status: `valid` (the certificate or QR code), or `suspended`, `withdrawn`, `expired`, " +
      "`none` (the French page saying why there is none)",
    required: true,
    schema: { type: "string" as const },
  },
};

const unknownRef = {
  description: "Unknown or malformed reference (a French page)",
  content: { "text/html": { schema: z.string() } },
};

/** The answer for anything but a valid label: the page saying why (cached and purged like the artefact). */
async function refusal(l: PublicLabel): Promise<Response> {
  if (l.status === "valid") throw new Error("refusal of a valid label");
  const body = await renderPage(
    <NoCertificatePage status={l.status} name={l.structure.name} code={l.structure.code} />,
  );
  return new Response(body, {
    headers: {
      ...HTML,
      ETag: await weakEtag(`${l.status}:${l.structure.code}:${l.structure.name}`),
      "X-Label-Status": l.status,
    },
  });
}

const notFound = async (ref: string) =>
  new Response(await renderPage(<NotFoundPage code={ref} />), {
    status: 404,
    headers: { ...HTML, "Cache-Control": "no-store" },
  });

/** One of the two artefacts, through servePublic; `draw` runs for a valid label only. */
function serveArtefact(
  c: Parameters<typeof servePublic>[0],
  surface: Extract<Surface, "certificate" | "qr">,
  segment: string,
  draw: (l: PublicLabel) => Promise<Response>,
) {
  return servePublic(
    c,
    surface,
    segment,
    async (l, ref) => {
      if (!l) return notFound(ref.value);
      return l.status === "valid" ? draw(l) : refusal(l);
    },
    (raw) => notFound(safeDecode(raw)),
  );
}

certificateRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/certificate/{file}",
      operationId: "getCertificate",
      security: noSecurity,
      tags: ["public"],
      summary: "Printable certificate (PDF, A4, French)",
      description:
        "`/certificate/{Code SP+}.pdf` (a label number works too): the label's certificate to display at the " +
        "counter or on the door — « Label Services Publics + », the tier, the service's name and town, its Code SP+, " +
        "the label number, awarded on / valid until, the certification body, and a QR code to the verification page " +
        "(`/verify/{Code SP+}` on the registry's public URL) with that URL printed under it. Real text (selectable, " +
        "searchable), title and language (`fr-FR`) in the metadata, saved as `label-{Code SP+}.pdf`. Only a valid " +
        "label has one: for a suspended, withdrawn or expired label, or a structure without a label, the URL answers " +
        "a French HTML page saying why (`X-Label-Status`). No extension, or another one, redirects to `.pdf`; " +
        "cached at the edge ≤ 300 s and never past midnight (Paris), purged everywhere on every change, like the badge.",
      request: {
        params: z.object({
          file: z.string().openapi({ param: { name: "file", in: "path" }, example: "DEMO-PREF-01.pdf" }),
        }),
      },
      responses: {
        200: {
          description: "The certificate (valid label), or the page saying why there is none (any other state)",
          headers: {
            ...headers.cache,
            ...labelStatus,
            "Content-Disposition": {
              description: 'On the certificate: `inline; filename="label-{Code SP+}.pdf"`',
              required: false,
              schema: { type: "string" },
            },
          },
          content: {
            "application/pdf": { schema: z.string().openapi({ format: "binary" }) },
            "text/html": { schema: z.string() },
          },
        },
        301: canonicalRedirect,
        304: notModified,
        404: unknownRef,
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) => {
    const file = rawSegment(c, "/certificate/");
    return serveArtefact(c, "certificate", certificateRefSegment(file), async (l) => {
      const content = certificateContent(l)!;
      const pdf = certificatePdf(content);
      const { checkedAt: _, ...stable } = l;
      return new Response(pdf, {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": `inline; filename="${content.fileName}"`,
          "Access-Control-Allow-Origin": "*",
          ETag: await weakEtag(JSON.stringify(stable)),
          "X-Label-Status": l.status,
        },
      });
    });
  },
);

certificateRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/qr/{file}",
      operationId: "getLabelQrCode",
      security: noSecurity,
      tags: ["public"],
      summary: "QR code of the verification page (SVG)",
      description:
        "`/qr/{Code SP+}.svg` (a label number works too): the certificate's QR code alone, for print designers — " +
        "the canonical verification URL (`/verify/{Code SP+}`), error correction level Q, black on white with its " +
        "quiet zone, scalable. Valid labels only, like the certificate: any other state answers the French page " +
        "saying why. Another image extension, or none, redirects to `.svg`; cached and purged like the badge.",
      request: {
        params: z.object({
          file: z.string().openapi({ param: { name: "file", in: "path" }, example: "DEMO-PREF-01.svg" }),
        }),
      },
      responses: {
        200: {
          description: "The QR code (valid label), or the page saying why there is none (any other state)",
          headers: { ...headers.cache, ...labelStatus },
          content: {
            "image/svg+xml": { schema: z.string() },
            "text/html": { schema: z.string() },
          },
        },
        301: canonicalRedirect,
        304: notModified,
        404: unknownRef,
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) => {
    const file = rawSegment(c, "/qr/");
    return serveArtefact(c, "qr", qrRefSegment(file), async (l) => {
      const svg = qrSvg(l.permalink);
      return new Response(svg, {
        headers: {
          "Content-Type": "image/svg+xml; charset=utf-8",
          "Access-Control-Allow-Origin": "*",
          "Cross-Origin-Resource-Policy": "cross-origin",
          // Opened on its own, the SVG may not run script nor load anything.
          "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
          ETag: await weakEtag(svg),
          "X-Label-Status": l.status,
        },
      });
    });
  },
);

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
