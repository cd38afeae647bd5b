/**
 * Who is using the back-office, and whether their form was sent from it.
 *
 * - Production: Cloudflare Access stands in front of /admin and hands every request a signed token
 *   (`Cf-Access-Jwt-Assertion`). The Worker verifies it itself — signature against the team's keys,
 *   issuer, audience, expiry — because a request may reach the Worker without passing Access (its
 *   workers.dev address, another route). The token's e-mail is then looked up in `backoffice_users`:
 *   an admin, or a member of one certification body. Nothing else opens a session: no cookie of ours,
 *   no API key.
 * - Local dev only (`BACKOFFICE_DEV_LOGIN=on`, refused with Access configured: src/env.ts): /admin/login
 *   takes the admin token or an API key, kept in a `SameSite=Strict`, `HttpOnly` cookie and checked on
 *   every request exactly as the API checks a bearer key (so a revoked key ends the session at once).
 * - Forms: every request other than GET/HEAD must come from the back-office's own origin (`Origin`, or
 *   `Sec-Fetch-Site: same-origin` when a browser sends no `Origin`), else 403 — a page elsewhere cannot
 *   make a signed-in browser act.
 */
import { eq } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { createRemoteJWKSet, errors as jose, jwtVerify } from "jose";
import type { AppEnv } from "../app-env";
import { findActiveUser } from "../db/backoffice-users";
import { getDb } from "../db/client";
import { certifiers } from "../db/schema";
import { foldEmail } from "../domain/email-address";
import { type Config, config } from "../env";
import { authenticate } from "../lib/auth";
import { ApiError } from "../lib/errors";
import { log } from "../lib/log";
import { enforceRateLimit } from "../lib/rate-limit";

/** The signed-in person. `actor` is what their acts record (label events, inbox replays, logs). */
export type Person = {
  /** `admin:<email>` / `certifier:<bodyId>:<email>` through Access; the key's own actor in dev. */
  actor: string;
  /** How the header names them. */
  shown: string;
  via: "access" | "dev";
} & ({ role: "admin"; certifierId: null } | { role: "certifier"; certifierId: string; bodyName: string });

export type AdminEnv = { Bindings: Env; Variables: AppEnv["Variables"] & { person: Person } };

export const ACCESS_HEADER = "Cf-Access-Jwt-Assertion";
export const DEV_COOKIE = "spp_backoffice_dev";

export type SignIn = "access" | "dev" | "none";
export const signInOf = (cfg: Config): SignIn =>
  cfg.ACCESS_TEAM_DOMAIN && cfg.ACCESS_AUD ? "access" : cfg.BACKOFFICE_DEV_LOGIN === "on" ? "dev" : "none";

/** One key set per team domain and isolate: jose caches the keys (10 min) and refetches on an unknown `kid` at most every 30 s. */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const keysOf = (team: string) => {
  let keys = keySets.get(team);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`${team}/cdn-cgi/access/certs`), { timeoutDuration: 5_000 });
    keySets.set(team, keys);
  }
  return keys;
};

/** What is wrong with the token itself: the caller is not signed in (401). Anything else is ours (500). */
const TOKEN_FAULTS = new Set<string>([
  jose.JWTExpired.code,
  jose.JWTClaimValidationFailed.code,
  jose.JWTInvalid.code,
  jose.JWSInvalid.code,
  jose.JWSSignatureVerificationFailed.code,
  jose.JOSEAlgNotAllowed.code,
  jose.JOSENotSupported.code,
  jose.JWKSNoMatchingKey.code,
  jose.JWKSMultipleMatchingKeys.code,
]);

const unauthorized = (detail: string) => new ApiError("unauthorized", detail);

/** The e-mail an Access token vouches for (lower-cased); 401 when the token is missing or does not verify. */
export async function accessEmail(team: string, aud: string, token: string | undefined): Promise<string> {
  if (!token) throw unauthorized("No Cloudflare Access token: open the back-office through its Access address");
  try {
    const { payload } = await jwtVerify(token, keysOf(team), {
      issuer: team,
      audience: aud,
      algorithms: ["RS256"],
      // A token without an expiry would open sessions forever: Access always sets one, so none is a forgery.
      requiredClaims: ["exp"],
    });
    // Service tokens carry no e-mail: they are for machines, which use the API.
    if (typeof payload.email !== "string" || payload.email === "") {
      throw unauthorized("The Access token names no person (a service token?): use the API with a key");
    }
    return foldEmail(payload.email);
  } catch (err) {
    if (err instanceof jose.JOSEError && TOKEN_FAULTS.has(err.code)) {
      log.warn("backoffice access token refused", { reason: err.code });
      throw unauthorized("The Cloudflare Access token is not valid (signature, audience, issuer or expiry)");
    }
    throw err;
  }
}

const bodyName = async (db: ReturnType<typeof getDb>, id: string) =>
  (await db.select({ name: certifiers.name }).from(certifiers).where(eq(certifiers.id, id)))[0]?.name ?? id;

/** The person behind this request, or an ApiError (401 not signed in, 403 signed in but not let in). */
export async function whoIs(env: Env, req: Request, cookie: string | undefined): Promise<Person> {
  const cfg = config(env);
  const db = getDb(env.DB);
  const mode = signInOf(cfg);
  if (mode === "access") {
    const email = await accessEmail(
      cfg.ACCESS_TEAM_DOMAIN!,
      cfg.ACCESS_AUD!,
      req.headers.get(ACCESS_HEADER) ?? undefined,
    );
    const user = await findActiveUser(db, email);
    if (!user) {
      throw new ApiError(
        "forbidden",
        `${email} has no access to the back-office: an administrator adds people on its « Accès » page`,
      );
    }
    if (user.role === "admin")
      return { role: "admin", certifierId: null, actor: `admin:${email}`, shown: email, via: "access" };
    const id = user.certifierId!;
    return {
      role: "certifier",
      certifierId: id,
      bodyName: user.bodyName ?? id,
      actor: `certifier:${id}:${email}`,
      shown: email,
      via: "access",
    };
  }
  if (mode === "dev") {
    const principal = cookie ? await authenticate(env, `Bearer ${cookie}`) : null;
    if (!principal) throw unauthorized("Not signed in: /admin/login");
    if (principal.role === "admin") {
      const shown = principal.keyId ? `clé d'API ${principal.keyId}` : "jeton d'administration";
      return { role: "admin", certifierId: null, actor: principal.actor, shown, via: "dev" };
    }
    const id = principal.certifierId;
    return {
      role: "certifier",
      certifierId: id,
      bodyName: await bodyName(db, id),
      actor: principal.actor,
      shown: `clé d'API ${principal.keyId}`,
      via: "dev",
    };
  }
  throw unauthorized(
    "The back-office's sign-in is not configured: ACCESS_TEAM_DOMAIN and ACCESS_AUD (production), or BACKOFFICE_DEV_LOGIN=on (local dev)",
  );
}

/** Whether the client reads pages (a browser) rather than data: pages get pages, others problems. */
export const wantsHtml = (req: Request) => /\btext\/html\b/i.test(req.headers.get("Accept") ?? "");

/**
 * Sets `person`, or answers: a browser without a dev session goes to /admin/login; everything else
 * gets the 401 or 403 (as a page for browsers, by the back-office's error handler). Each person's
 * requests count against the API's per-key limit, under their actor.
 */
export const requirePerson = createMiddleware<AdminEnv>(async (c, next) => {
  let person: Person;
  try {
    person = await whoIs(c.env, c.req.raw, getCookie(c, DEV_COOKIE));
  } catch (err) {
    const toLogin =
      err instanceof ApiError &&
      err.code === "unauthorized" &&
      signInOf(config(c.env)) === "dev" &&
      wantsHtml(c.req.raw);
    if (!toLogin) throw err;
    const back = c.req.method === "GET" ? `?next=${encodeURIComponent(new URL(c.req.url).pathname)}` : "";
    return c.redirect(`/admin/login${back}`, 303);
  }
  await enforceRateLimit(c.env.API_LIMITER, person.actor);
  c.set("person", person);
  await next();
});

/** The pages and actions only the administration has. */
export const requireAdmin = createMiddleware<AdminEnv>(async (c, next) => {
  if (c.var.person.role !== "admin") throw new ApiError("forbidden", "This page is for the administration only");
  await next();
});

/** Refuses a form (any method but GET and HEAD) that was not sent from this origin. */
export const sameOrigin = createMiddleware<AdminEnv>(async (c, next) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const origin = c.req.header("Origin");
    // The registry's own origin, never the request's Host: under `npm run dev` (or any host the Worker answers
    // to) a rebinding name would otherwise be « this origin » for a page it serves itself.
    const own = new URL(c.env.PUBLIC_BASE_URL).origin;
    const fromHere = origin ? origin === own : c.req.header("Sec-Fetch-Site") === "same-origin";
    if (!fromHere) {
      log.warn("backoffice cross-origin form refused", { path: c.req.path, origin: origin ?? null });
      throw new ApiError("forbidden", "This form was not sent from the back-office's own pages");
    }
  }
  await next();
});
