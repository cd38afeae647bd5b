/**
 * Every response the tests receive from the Worker is held against the Worker's own /openapi.json:
 * its status must be documented for that operation, its content type too, its body must be valid
 * against the documented schema (ajv, JSON Schema 2020-12, OpenAPI 3.1's dialect) and the headers
 * documented as required must be there. A response that does not conform throws, failing the test
 * that received it. test/helpers.ts is the only way tests reach the Worker, and it calls `conform`.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

type Schema = Record<string, unknown>;
type Operation = { responses?: Record<string, ResponseDoc>; security?: unknown[] };
type ResponseDoc = {
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, { schema?: Schema }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

/** What a test received: enough to check it, nothing more. */
export type Received = { method: string; url: string; status: number; headers: Headers; text: string };

/**
 * What is not the API, hence absent from the document on purpose: the local tools (the dev outbox and faults,
 * configured on in local dev only), and the back-office's pages for people (src/admin/app.tsx says
 * why; test/backoffice.test.ts checks their answers). And the transparency log's tiles whose path has more
 * segments than the documented `/log/tile/{level}/{index}` (C2SP tlog-tiles spells large and partial tiles
 * `x001/x234/067`, `000.p/7`: no OpenAPI path template can say it; test/tlog-log.test.ts checks them).
 * Anything else a test reaches must be documented.
 */
const NOT_THE_API = [/^\/dev\/(?:outbox|faults)(?:\/|$)/, /^\/admin(?:\/|$)/, /^\/log\/tile\/[^/]+\/[^/]+\/./];

const DOC_ID = "https://registry.test/openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export class Conformance {
  readonly checked = { responses: 0 };
  private readonly ajv: Ajv2020;
  private readonly templates: { template: string; re: RegExp; literals: number }[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Doc) {
    // strictSchema off: the document also holds OpenAPI keywords (`example`, `discriminator`) that are
    // not JSON Schema; formats stay strict (an unknown `format` would throw when compiled).
    this.ajv = new Ajv2020({ allErrors: true, strictSchema: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...doc, $id: DOC_ID } as Schema);
    this.templates = Object.keys(doc.paths).map((template) => {
      const segments = template.split("/");
      const re = new RegExp(
        `^${segments.map((s) => (/^\{.+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}$`,
      );
      return { template, re, literals: segments.filter((s) => !s.startsWith("{")).length };
    });
  }

  /** The problems with one response; empty when it conforms. */
  problems(r: Received): string[] {
    const url = new URL(r.url);
    const method = r.method.toLowerCase();
    const type = (r.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    // The CORS protocol answers preflights before any route: not an operation of the API.
    if (method === "options" && r.headers.has("Access-Control-Allow-Methods")) return [];
    if (NOT_THE_API.some((re) => re.test(url.pathname))) return [];

    const match = this.templates.filter((t) => t.re.test(url.pathname)).sort((a, b) => b.literals - a.literals)[0];
    if (!match) {
      // A path under a private prefix (`/v1/api-keys/`, `/v1/labels/`) is authenticated before it is
      // routed: without a key it is a 401, as any private path; with one, a 404.
      if (r.status !== 404 && r.status !== 405 && r.status !== 401) return [`${url.pathname} is not in the document`];
      return this.problemBody(r, type, "#/components/schemas/Problem");
    }
    const item = this.doc.paths[match.template]!;
    const op = item[method === "head" ? "get" : method];
    if (!op) {
      const allowed = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
      const allow = (r.headers.get("Allow") ?? "").split(/,\s*/);
      // As the document's description says: on a path every operation of which needs a key, a request
      // without the right one is answered 401 or 403 before the method is looked at.
      const guarded = allowed.every(
        (m) => ((item[m.toLowerCase() as (typeof METHODS)[number]]?.security as unknown[]) ?? []).length > 0,
      );
      if (guarded && (r.status === 401 || r.status === 403))
        return this.problemBody(r, type, "#/components/schemas/Problem");
      const out: string[] = [];
      if (r.status !== 405) out.push(`${r.method} ${match.template} is not documented (answered ${r.status}, not 405)`);
      for (const m of allowed) if (!allow.includes(m)) out.push(`405 Allow lacks documented ${m}`);
      return [...out, ...this.problemBody(r, type, "#/components/schemas/Problem")];
    }

    const where = `${method} ${match.template} → ${r.status}`;
    const responses = op.responses ?? {};
    const code = String(r.status);
    const key = [code, `${code[0]}XX`, "default"].find((k) => k in responses);
    const res = key ? responses[key]! : undefined;
    if (!key || !res) return [`${where}: status not documented (documented: ${Object.keys(responses).join(", ")})`];

    const out: string[] = [];
    for (const [name, h] of Object.entries(res.headers ?? {})) {
      if (h.required && !r.headers.has(name)) out.push(`${where}: required header ${name} missing`);
    }
    const content = res.content ?? {};
    if (Object.keys(content).length === 0) {
      if (r.text !== "") out.push(`${where}: documented without a body, got ${r.text.length} characters`);
      return out;
    }
    if (!(type in content)) {
      return [...out, `${where}: content type "${type}" not documented (${Object.keys(content).join(", ")})`];
    }
    if (method === "head") return out; // same headers as GET, no body
    const pointer = `#/paths/${pointerToken(match.template)}/${method}/responses/${key}/content/${pointerToken(type)}/schema`;
    return [...out, ...this.validate(r, type, pointer, where)];
  }

  /** Throws, naming every problem, unless the response conforms. */
  check(r: Received): void {
    this.checked.responses++;
    const found = this.problems(r);
    if (found.length > 0) {
      throw new Error(
        `Response does not conform to /openapi.json: ${r.method} ${new URL(r.url).pathname}${new URL(r.url).search} → ${r.status}\n` +
          `${found.map((p) => `  - ${p}`).join("\n")}\n  body: ${r.text.slice(0, 400)}`,
      );
    }
  }

  private problemBody(r: Received, type: string, ref: string): string[] {
    if (type !== "application/problem+json") return [`${r.status} answered as "${type}", not a problem`];
    return this.validate(r, type, ref, `${r.method} ${new URL(r.url).pathname} → ${r.status}`);
  }

  private validate(r: Received, type: string, pointer: string, where: string): string[] {
    let body: unknown = r.text;
    // `application/vc` is JSON too (a VC 2.0 credential: src/routes/credentials.ts).
    if (type === "application/json" || type.endsWith("+json") || type === "application/vc") {
      try {
        body = JSON.parse(r.text);
      } catch {
        return [`${where}: body is not JSON`];
      }
    }
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: body${e.instancePath} ${e.message} (${e.schemaPath})`);
  }
}

/** A JSON Pointer token (RFC 6901), URI-encoded for use in a `$ref` fragment. */
const pointerToken = (token: string) => encodeURIComponent(token.replace(/~/g, "~0").replace(/\//g, "~1"));
