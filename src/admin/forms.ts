/**
 * What the back-office's handlers share: reading a form, validating it with the API's own schemas (so
 * a form accepts exactly what the API accepts), answering a page, and the signed-in person's deps.
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { z } from "zod";
import { ApiError, asApiError } from "../lib/errors";
import { FormRefusal, type FrenchRefusal, frenchRefusal } from "../pages/admin/words";
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

/**
 * `input` through the API's schema; a refusal is the API's 422, naming each field, with the French
 * words of each issue for the page (src/pages/admin/words.ts).
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new FormRefusal(r.error.issues as never);
  return r.data;
}

/** A page as the answer. */
export const page = async (c: AdminContext, node: Child, status: 200 | 201 | 401 | 403 | 404 | 405 | 409 | 422 = 200) =>
  c.html(await renderPage(node), status);

/** After a POST that changed something: see the result (303, so a reload does not post again). */
export const seeOther = (c: AdminContext, path: string) => c.redirect(path, 303);

export const depsOf = (c: AdminContext): Deps => apiDepsOf(c as never);

export type Refusal = FrenchRefusal;

/**
 * A form the registry refused (422, or 409 such as a code already taken), to show again with the
 * reason next to each field, in French; null for anything else (it goes to the error page).
 */
export function refusalOf(err: unknown): Refusal | null {
  const e = asApiError(err);
  if (!e || (e.code !== "validation" && e.code !== "unprocessable" && e.code !== "conflict")) return null;
  return frenchRefusal(e);
}

/**
 * What a person types, as the API spells it, where the meaning is not in doubt: « 1 » or « 2a » for a
 * department are 01 and 2A, spaces in a SIRET or a postcode (« 130 002 …», « 13 001 ») are ignored, a
 * four-digit postcode lost its leading zero (a spreadsheet did it). Anything else is left as typed,
 * for the schema to judge.
 */
export const forgiving = {
  department(v: string | undefined): string | undefined {
    if (v === undefined) return v;
    const t = v.replace(/\s+/gu, "").toUpperCase();
    return /^\d$/.test(t) ? `0${t}` : t;
  },
  digits(v: string | undefined): string | undefined {
    if (v === undefined) return v;
    const t = v.replace(/[\s.\u00a0\u202f]+/gu, "");
    return /^\d+$/.test(t) ? t : v;
  },
  postcode(v: string | undefined): string | undefined {
    const t = forgiving.digits(v);
    return t !== undefined && /^\d{4}$/.test(t) ? `0${t}` : t;
  },
};
