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
