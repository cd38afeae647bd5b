/**
 * « Le label en chiffres » (/chiffres, its JSON and CSV) and the open-data package that describes the
 * registry's CSV files (/datapackage.json, its Table Schemas under /schemas/). The figures are read from
 * the counters (src/db/figures.ts: a few hundred rows whatever the number of structures), on a miss from
 * the primary like every cached public answer, and cached at the edge under the Cache-Tag `spp-figures`,
 * which every public change purges (src/changes/public-change.ts); never past midnight in France.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import datapackage from "../../open-data/datapackage.json";
import figuresSchema from "../../open-data/schemas/chiffres.json";
import labelsSchema from "../../open-data/schemas/labels.json";
import type { AppEnv } from "../app-env";
import { type FIGURES_PATHS, FIGURES_TAG } from "../changes/public-change";
import { FiguresSchema } from "../contract/results-schemas";
import { getDb } from "../db/client";
import { readFigures } from "../db/figures";
import { config } from "../env";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { FiguresPage } from "../pages/figures";
import { indexable, renderPage } from "../pages/layout";
import { cachedAnswer, cacheKey, conditional, maxAgeAt, weakEtag } from "../public/cache";
import { buildFigures, FIGURE_CSV_COLUMNS, type Figures, figureLines } from "../public/figures";
import { csvDocument, csvNumber } from "../public/present";
import { apiRoute, headers, noSecurity, notModified } from "./openapi-common";

export const figuresRouter = router();

type Render = (
  f: Figures,
  now: Date,
) => { body: string | Promise<string>; type: string; extra?: Record<string, string> };

/** One cached answer of the figures: the edge cache, else the counters read from the primary. */
async function serveFigures(c: Context<AppEnv>, path: (typeof FIGURES_PATHS)[number], render: Render) {
  const key = cacheKey(path);
  const hit = await cachedAnswer(key);
  if (hit) return conditional(c.req.raw, hit);
  await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
  const now = new Date();
  const f = buildFigures(await readFigures(getDb(c.env.DB)), config(c.env).PUBLICATION_POLICY);
  const out = render(f, now);
  const body = await out.body;
  const maxAge = maxAgeAt(now);
  const res = new Response(body, {
    headers: {
      "Content-Type": out.type,
      "Cache-Control": `public, max-age=${maxAge}`,
      "Cache-Tag": FIGURES_TAG,
      ETag: await weakEtag(JSON.stringify(f)),
      "Access-Control-Allow-Origin": "*",
      "X-Cache": "MISS",
      ...out.extra,
    },
  });
  if (maxAge > 0) await caches.default.put(key, res.clone());
  return conditional(c.req.raw, res);
}

const figuresHeaders = {
  ...headers.cache,
  "Cache-Tag": { description: "`spp-figures`: what every public change purges", schema: { type: "string" as const } },
};

figuresRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/chiffres",
      operationId: "getFiguresPage",
      security: noSecurity,
      tags: ["public"],
      summary: "Le label en chiffres (French, HTML)",
      description:
        "The label's national figures, each as an SVG chart with its data table: labels by status and tier, " +
        "by network, region and department, labels awarded per month, the users' average satisfaction by tier " +
        "and network, candidates by network and those whose audit the DITP funds, the agents' national score. " +
        "Cached at the edge (≤ 300 s, never past midnight in France) and purged on every public change.",
      responses: {
        200: { description: "The page", headers: figuresHeaders, content: { "text/html": { schema: z.string() } } },
        304: notModified,
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  (c) =>
    serveFigures(c, "/chiffres", (f) => ({
      body: renderPage(<FiguresPage f={f} indexable={indexable(c.env)} />),
      type: "text/html; charset=utf-8",
    })) as never,
);

figuresRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/chiffres.json",
      operationId: "getFigures",
      security: noSecurity,
      tags: ["public"],
      summary: "Le label en chiffres (JSON)",
      description:
        "The figures of `/chiffres` as JSON, as far as the publication policy publishes them (the agents' " +
        "survey only as a national aggregate). Cached and purged like the page.",
      responses: {
        200: { ...jsonContent(FiguresSchema, "The figures"), headers: figuresHeaders },
        304: notModified,
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  (c) =>
    serveFigures(c, "/chiffres.json", (f, now) => ({
      body: JSON.stringify({ ...f, computedAt: now.toISOString() }),
      type: "application/json; charset=utf-8",
    })) as never,
);

figuresRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/chiffres.csv",
      operationId: "getFiguresCsv",
      security: noSecurity,
      tags: ["public"],
      summary: "Le label en chiffres (CSV)",
      description:
        "The figures of `/chiffres`, one line per indicator and key (`indicateur;cle;libelle;valeur;effectif`), " +
        "in the registry's CSV dialect (UTF-8 with BOM, `;`, decimal comma, CRLF); described by the Table Schema " +
        "`/schemas/chiffres.json`. Cached and purged like the page.",
      responses: {
        200: { description: "The CSV", headers: figuresHeaders, content: { "text/csv": { schema: z.string() } } },
        304: notModified,
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  (c) =>
    serveFigures(c, "/chiffres.csv", (f) => ({
      body: csvDocument(
        FIGURE_CSV_COLUMNS,
        figureLines(f).map((l) => [l.indicateur, l.cle, l.libelle, csvNumber(l.valeur), csvNumber(l.effectif)]),
      ),
      type: "text/csv; charset=utf-8",
      extra: { "Content-Disposition": 'attachment; filename="label-en-chiffres.csv"' },
    })) as never,
);

function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A descriptor of the repository's open-data/ folder, with its relative paths made absolute here. */
function absolute(base: string, descriptor: typeof datapackage) {
  return {
    ...descriptor,
    resources: descriptor.resources.map((r) => ({
      ...r,
      path: new URL(r.path, base).toString(),
      schema: new URL(r.schema, base).toString(),
    })),
  };
}

const staticJson = async (body: unknown) => {
  const text = JSON.stringify(body, null, 2);
  return new Response(text, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
      ETag: await weakEtag(text),
    },
  });
};

const Descriptor = z.record(z.string(), z.unknown());

figuresRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/datapackage.json",
      operationId: "getDataPackage",
      security: noSecurity,
      tags: ["public"],
      summary: "Open-data package (Frictionless Data Package)",
      description:
        "A Frictionless Tabular Data Package describing the registry's open data: the labels' CSV and the " +
        "figures' CSV, each with its dialect and its Table Schema (`/schemas/labels.json`, " +
        "`/schemas/chiffres.json`). The same file is in the repository (open-data/), with relative paths.",
      responses: {
        200: {
          description: "The data package descriptor",
          content: { "application/json": { schema: Descriptor.openapi("DataPackage"), example: datapackage } },
        },
      },
    },
    { ignoresQuery: true },
  ),
  (c) => staticJson(absolute(c.env.PUBLIC_BASE_URL, datapackage)) as never,
);

/** The Table Schemas, each at its own stable URL. */
const SCHEMAS = [
  ["labels", labelsSchema, "getLabelsTableSchema", "the labels' CSV (`/v1/public/labels?format=csv`)"],
  ["chiffres", figuresSchema, "getFiguresTableSchema", "the figures' CSV (`/chiffres.csv`)"],
] as const;

for (const [name, schema, operationId, what] of SCHEMAS) {
  figuresRouter.openapi(
    apiRoute(
      {
        method: "get",
        path: `/schemas/${name}.json`,
        operationId,
        security: noSecurity,
        tags: ["public"],
        summary: `Table Schema of ${name === "labels" ? "the labels' CSV" : "the figures' CSV"}`,
        description:
          `The Frictionless Table Schema of ${what}: every column's name, title, description, type, ` +
          "constraints and example, and the missing values. The same file is in the repository (open-data/schemas/).",
        responses: {
          200: {
            description: "The Table Schema",
            // An excerpt: the whole schema's fields carry their own `type`/`example` pairs (French decimals as
            // text), which OpenAPI linters would take for schemas of this document.
            content: {
              "application/json": {
                schema: Descriptor.openapi("TableSchema"),
                example: { ...schema, fields: schema.fields.slice(0, 1) },
              },
            },
          },
        },
      },
      { ignoresQuery: true },
    ),
    () => staticJson(schema) as never,
  );
}
