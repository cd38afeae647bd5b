import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError, fieldErrors } from "./errors";

/**
 * Every router is an OpenAPIHono with this hook, so a request that fails its zod schema answers a
 * 422 problem naming each wrong field (or unknown query parameter), whichever router it reached.
 */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const unknown = result.target === "query" ? "Unknown query parameter" : "Unknown field";
        throw new ApiError("validation", "The request does not match the schema", {
          errors: fieldErrors(result.error.issues, unknown),
        });
      }
    },
  });
}

/**
 * The methods the route table serves on `path` (HEAD wherever GET is, as Hono answers it), for the
 * `Allow` header of a 405. Derived from `app.routes`, so a new route is allowed by being declared.
 */
export function allowedMethods(routes: ReadonlyArray<{ method: string; path: string }>, path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.method === "ALL") continue; // middleware, not an answer
    if (patternOf(r.path).test(path)) methods.add(r.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/**
 * The methods served on `path` by routes that name it literally (no parameter), or null when none does.
 * A path a route names literally belongs to that route: a parameter of a sibling route never captures
 * it (`GET /v1/public/labels/verify` is a wrong method on the bulk verification, not the reference
 * « verify »). Built once per route table: a lookup per request.
 */
export function literalMethods(routes: ReadonlyArray<{ method: string; path: string }>, path: string): string[] | null {
  let table = literalTables.get(routes);
  if (!table) {
    table = new Map();
    for (const r of routes) {
      if (r.method === "ALL" || r.path.includes(":") || r.path.includes("*")) continue;
      const methods = table.get(r.path) ?? [];
      methods.push(r.method, ...(r.method === "GET" ? ["HEAD"] : []));
      table.set(r.path, methods);
    }
    literalTables.set(routes, table);
  }
  return table.get(path) ?? null;
}
const literalTables = new WeakMap<object, Map<string, string[]>>();

const patterns = new Map<string, RegExp>();
/** A Hono route path (`/v1/structures/:code`) as an anchored regex: `:param` is one segment. */
function patternOf(routePath: string): RegExp {
  let re = patterns.get(routePath);
  if (!re) {
    const body = routePath
      .split("/")
      .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    re = new RegExp(`^${body}$`);
    patterns.set(routePath, re);
  }
  return re;
}
