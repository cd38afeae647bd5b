/**
 * GET /problems/{code}: the page every problem's `type` points to. One page per code of the closed
 * set (src/lib/errors.ts), in French then English: what it means, the usual causes, what to do.
 * HTML for people (DSFR, no JavaScript, the strict headers of every HTML answer); the same text as
 * JSON when the client asks for it with `Accept: application/json`.
 */
import { z } from "@hono/zod-openapi";
import { accepts } from "hono/accepts";
import type { Child } from "hono/jsx";
import { notFound } from "../domain/errors";
import { PROBLEMS, type ProblemCode, problemType } from "../lib/errors";
import { PROBLEM_DOCS, type ProblemDoc } from "../lib/problem-docs";
import { router } from "../lib/router";
import { REQUEST_ID_HEADER } from "../lib/trace";
import { Layout } from "../pages/layout";
import { apiRoute, errors, json, noSecurity } from "./openapi-common";

export const problemsRouter = router();

/** The pages change only with a deployment. */
const CACHE_CONTROL = "public, max-age=86400";

const CODES = Object.keys(PROBLEMS) as ProblemCode[];

/** `backticks` in the text become <code>. */
function Text({ children }: { children: string }) {
  return <>{children.split("`").map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>;
}

const LABELS = {
  fr: {
    causes: "Causes habituelles",
    whatToDo: "Que faire ?",
    support: (id: Child) => (
      <>
        Si la cause reste introuvable, transmettez à l'équipe qui exploite le registre l'identifiant de la requête : le
        champ <code>requestId</code> du problème, ou l'en-tête {id} de la réponse.
      </>
    ),
  },
  en: {
    causes: "Usual causes",
    whatToDo: "What to do",
    support: (id: Child) => (
      <>
        If you cannot find the cause, send the team running the registry the request's id: the problem's{" "}
        <code>requestId</code> field, or the answer's {id} header.
      </>
    ),
  },
};

function Explanation({ doc, lang, level }: { doc: ProblemDoc; lang: "fr" | "en"; level: 2 | 3 }) {
  const H = level === 2 ? "h2" : "h3";
  const l = LABELS[lang];
  return (
    <>
      <p class="fr-text--lead">
        <Text>{doc.meaning}</Text>
      </p>
      <H>{l.causes}</H>
      <ul>
        {doc.causes.map((c) => (
          <li>
            <Text>{c}</Text>
          </li>
        ))}
      </ul>
      <H>{l.whatToDo}</H>
      <ul>
        {doc.whatToDo.map((w) => (
          <li>
            <Text>{w}</Text>
          </li>
        ))}
      </ul>
      <p>{l.support(<code>{REQUEST_ID_HEADER}</code>)}</p>
    </>
  );
}

function ProblemPage({ code }: { code: ProblemCode }) {
  const { fr, en } = PROBLEM_DOCS[code];
  const status = PROBLEMS[code].status;
  return (
    <Layout title={`${fr.title} (${status}) — Services Publics +`} tagline="Codes d'erreur de l'API">
      <p>
        <span class="fr-badge fr-badge--info" id="code">
          HTTP {status} · {code}
        </span>
      </p>
      <h1>{fr.title}</h1>
      <Explanation doc={fr} lang="fr" level={2} />
      <hr />
      <section lang="en">
        <h2>{en.title}</h2>
        <Explanation doc={en} lang="en" level={3} />
      </section>
      <hr />
      <h2>Autres codes · Other codes</h2>
      <ul>
        {CODES.filter((c) => c !== code).map((c) => (
          <li>
            <a href={`/problems/${c}`}>{c}</a> ({PROBLEMS[c].status}) — {PROBLEM_DOCS[c].fr.title}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

const Doc = z.object({
  title: z.string(),
  meaning: z.string(),
  causes: z.array(z.string()),
  whatToDo: z.array(z.string()),
});

const ProblemTypeSchema = z
  .object({
    code: z.enum(CODES as [ProblemCode, ...ProblemCode[]]).openapi({ example: "conflict" }),
    status: z.number().int().openapi({ example: 409 }),
    type: z.string().openapi({ example: "https://registry.example/problems/conflict" }),
    fr: Doc,
    en: Doc,
  })
  .openapi("ProblemType", { description: "What a problem code means, its usual causes and what to do" });

problemsRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/{code}",
      operationId: "getProblemType",
      security: noSecurity,
      tags: ["meta"],
      summary: "What a problem code means (the `type` of every problem)",
      description:
        "A page per code of the closed set, in French and English: what it means, the usual causes, what to " +
        "do. HTML by default; JSON with `Accept: application/json`. Unknown codes answer a 404 problem.",
      request: {
        params: z.object({
          code: z.string().openapi({ param: { name: "code", in: "path" }, example: "conflict" }),
        }),
      },
      responses: {
        200: {
          description: "The page (HTML), or its text as JSON",
          content: { "text/html": { schema: z.string() }, ...json(ProblemTypeSchema, "").content },
        },
        404: errors[404],
      },
    },
    // A page for people, like /docs: a query string changes nothing.
    { ignoresQuery: true },
  ),
  async (c) => {
    const { code } = c.req.valid("param");
    if (!Object.hasOwn(PROBLEMS, code)) throw notFound(`Problem type ${code}`);
    const known = code as ProblemCode;
    const headers = { "Cache-Control": CACHE_CONTROL, Vary: "Accept" };
    const as = accepts(c, { header: "Accept", supports: ["text/html", "application/json"], default: "text/html" });
    if (as === "application/json") {
      const body = {
        code: known,
        status: PROBLEMS[known].status,
        type: problemType(known, c.env.PUBLIC_BASE_URL),
        ...PROBLEM_DOCS[known],
      };
      return c.json(body, 200, { ...headers, "Access-Control-Allow-Origin": "*" });
    }
    const page = `<!doctype html>${await (<ProblemPage code={known} />)}`;
    return c.html(page, 200, headers) as never;
  },
);
