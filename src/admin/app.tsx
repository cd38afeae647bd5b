/**
 * The back-office at /admin: French DSFR pages rendered on the server, for the DITP and the commission
 * (administration) and for each certification body's staff (its portal: the same pages, with less).
 * Every action calls the function the API calls for it; nothing here writes to the database itself.
 *
 * Kept out of /openapi.json on purpose: these are pages for people behind Cloudflare Access, whose forms,
 * redirects and sign-in are not an API contract (the API documents each operation they perform). Hence
 * its own answers to what matches no page: a French 404 page, or a 405 page naming the methods the path
 * answers (from this app's route table), and error pages rather than problems for browsers.
 * @see docs/back-office.md
 */
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { dashboardCounts, EXPIRY_HORIZONS } from "../db/backoffice";
import { getDb } from "../db/client";
import { parisDay } from "../domain/badge";
import { addDays } from "../domain/label-dates";
import { config } from "../env";
import { readiness } from "../health/readiness";
import { authenticate } from "../lib/auth";
import { asOutage } from "../lib/d1-outage";
import { ApiError, asApiError } from "../lib/errors";
import { idempotency } from "../lib/idempotency";
import { log, loggableError } from "../lib/log";
import { allowedMethods } from "../lib/router";
import { currentRequestId } from "../lib/trace";
import { ONCE_FIELD } from "../pages/admin/frame";
import { DashboardPage, ErrorPage, LoginPage } from "../pages/admin/home";
import { frenchRefusal } from "../pages/admin/words";
import { renderPage } from "../pages/layout";
import { certifierPages } from "./certifiers";
import { deliveryPages } from "./deliveries";
import { type AdminContext, page, readForm, seeOther } from "./forms";
import { referentialPages } from "./referentials";
import { type AdminEnv, DEV_COOKIE, requirePerson, sameOrigin, signInOf, wantsHtml } from "./session";
import { structurePages } from "./structures";
import { subscriptionPages } from "./subscriptions";
import { userPages } from "./users";

export const PREFIX = "/admin";
export const adminApp = new Hono<AdminEnv>();

/** The only pages open without a session: signing in and out (their forms are still same-origin only). */
const OPEN = new Set([`${PREFIX}/login`, `${PREFIX}/logout`]);

adminApp.use("*", sameOrigin);
adminApp.use("*", (c, next) => (OPEN.has(c.req.path) ? next() : requirePerson(c, next)));
// Every form that changes something carries a key (OnceField): sent twice, it is carried out once, and the
// second submission sees what the first one did. Keys are the signed-in person's.
adminApp.use(
  "*",
  idempotency({
    identify: async (c) => {
      const person = (c as AdminContext).get("person");
      const key = person ? (await readForm(c as AdminContext))[ONCE_FIELD] : undefined;
      return person && key ? { key, scope: person.actor } : undefined;
    },
    refuse: (_c, error) => {
      throw error;
    },
  }),
);

/** Where to go after signing in: a back-office path as written, never another site (an open redirect). */
function safeNext(next: string | undefined): string {
  if (!next) return PREFIX;
  const base = "http://back-office.invalid";
  try {
    const u = new URL(next, base);
    const inside = u.pathname === PREFIX || u.pathname.startsWith(`${PREFIX}/`);
    return u.origin === base && inside && u.pathname === next ? next : PREFIX;
  } catch {
    return PREFIX;
  }
}

const devOnly = (c: { env: Env }) => {
  if (signInOf(config(c.env)) !== "dev") throw new ApiError("not-found", "This page exists in local development only");
};

adminApp.get("/login", async (c) => {
  devOnly(c);
  return page(c, <LoginPage next={safeNext(c.req.query("next"))} />);
});

adminApp.post("/login", async (c) => {
  devOnly(c);
  const form = await readForm(c);
  const token = form.token?.trim() ?? "";
  const next = safeNext(form.next);
  if (!token || !(await authenticate(c.env, `Bearer ${token}`))) {
    log.warn("backoffice dev login refused");
    return page(c, <LoginPage next={next} refused />, 401);
  }
  setCookie(c, DEV_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    path: PREFIX,
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: 8 * 3600,
  });
  return seeOther(c, next);
});

adminApp.post("/logout", (c) => {
  if (signInOf(config(c.env)) === "access") return seeOther(c, "/cdn-cgi/access/logout");
  deleteCookie(c, DEV_COOKIE, { path: PREFIX });
  return seeOther(c, `${PREFIX}/login`);
});

adminApp.get("/", async (c) => {
  const person = c.var.person;
  const today = parisDay(new Date());
  const until = Object.fromEntries(EXPIRY_HORIZONS.map((d) => [d, addDays(today, d)]));
  const d = await dashboardCounts(getDb(c.env.DB), today, until, person.certifierId ?? undefined);
  // The administration sees what /health/ready tells operators.
  const ready = person.role === "admin" ? await readiness(c.env) : undefined;
  return page(c, <DashboardPage person={person} d={d} readiness={ready} />);
});

structurePages(adminApp);
certifierPages(adminApp);
deliveryPages(adminApp);
referentialPages(adminApp);
subscriptionPages(adminApp);
userPages(adminApp);

// Registered last: only what no page above answered reaches it (after the session check, so the
// shape of the back-office is not shown to someone signed out).
adminApp.all("*", (c) => {
  const allow = allowedMethods(adminApp.routes, c.req.path.slice(PREFIX.length) || "/");
  if (allow.length > 0) {
    throw new ApiError("method-not-allowed", `${c.req.path} answers ${allow.join(", ")}`, {
      headers: { Allow: allow.join(", ") },
    });
  }
  throw new ApiError("not-found", `No page at ${c.req.path}`);
});

/**
 * Browsers get a French page with the registry's reason; other clients (scripts, tests asking for
 * JSON) get the API's problem, from the app's own error handler.
 */
adminApp.onError(async (err, c) => {
  const known = asApiError(err) ?? asOutage(err);
  if (!wantsHtml(c.req.raw)) throw err;
  if (!known || known.code === "unavailable") log.error("unhandled error", { path: c.req.path, ...loggableError(err) });
  const problem = known ?? new ApiError("internal", "An unexpected error occurred; it has been logged");
  const body = await renderPage(
    <ErrorPage refusal={frenchRefusal(problem)} person={c.get("person") ?? null} requestId={currentRequestId()} />,
  );
  return c.html(body, problem.status, problem.headers);
});
