/**
 * What the back-office's handlers share: reading a form, validating it with the API's own schemas (so
 * a form accepts exactly what the API accepts), answering a page, and the signed-in person's deps.
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { z } from "zod";
import { ApiError, asApiError, fieldErrors } from "../lib/errors";
import { renderPage } from "../pages/layout";
import { depsOf as apiDepsOf, type Deps } from "../services/deps";
import type { AdminEnv } from "./session";

export type AdminContext = Context<AdminEnv>;
export type Form = Record<string, string>;

/** The posted fields (urlencoded or multipart), text only. */
export async function readForm(c: AdminContext): Promise<Form> {
  // A browser sends well-formed forms; a malformed multipart body is a client's mistake, not a crash.
  const body = await c.req.parseBody().catch(() => {
    throw new ApiError("bad-request", "The form could not be read");
  });
  const out: Form = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

/** A field left empty is a field not sent. */
export const opt = (f: Form, name: string): string | undefined => {
  const v = f[name]?.trim();
  return v ? v : undefined;
};

/** `input` through the API's schema; a refusal is the API's 422, naming each field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new ApiError("validation", "Some fields are not accepted", { errors: fieldErrors(r.error.issues) });
  }
  return r.data;
}

/** A page as the answer. */
export const page = async (c: AdminContext, node: Child, status: 200 | 201 | 401 | 403 | 404 | 405 | 409 | 422 = 200) =>
  c.html(await renderPage(node), status);

/** After a POST that changed something: see the result (303, so a reload does not post again). */
export const seeOther = (c: AdminContext, path: string) => c.redirect(path, 303);

export const depsOf = (c: AdminContext): Deps => apiDepsOf(c as never);

export type Refusal = { detail: string; errors: { path: string; message: string }[]; by: Record<string, string> };

/**
 * A form the registry refused (422, or 409 such as a code already taken), to show again with the
 * reason next to each field; null for anything else (it goes to the error page).
 */
export function refusalOf(err: unknown): Refusal | null {
  const e = asApiError(err);
  if (!e || (e.code !== "validation" && e.code !== "unprocessable" && e.code !== "conflict")) return null;
  const errors = e.errors ?? [];
  const by: Record<string, string> = {};
  for (const x of errors) by[x.path] ??= x.message;
  return { detail: e.message, errors, by };
}
