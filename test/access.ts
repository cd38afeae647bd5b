/**
 * The back-office as a browser behind Cloudflare Access reaches it: tokens signed with this run's
 * stand-in for the team key (vitest.config.ts), the team's JWKS served through MSW's fetch interceptor
 * (never the network), and form posts from the registry's own origin.
 */

import { env } from "cloudflare:test";
import { generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from "jose";
import { HttpResponse, http } from "msw";
import { saveUser } from "../src/db/backoffice-users";
import { getDb } from "../src/db/client";
import { englishIn } from "./english";
import { BASE, fetchWorker } from "./helpers";
import { mockNetwork } from "./network";

export const TEAM = env.ACCESS_TEAM_DOMAIN;
export const AUD = env.ACCESS_AUD;
const PRIVATE: JWK = JSON.parse(env.TEST_ACCESS_KEY);
const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...PUBLIC } = PRIVATE;

/** How many times the Worker fetched the team's keys (it should cache them). */
export const jwksFetches = { count: 0 };

/** Serves the team's JWKS for the tests of the file that calls it. */
export function serveAccessKeys() {
  return mockNetwork(
    [
      http.get(`${TEAM}/cdn-cgi/access/certs`, () => {
        jwksFetches.count++;
        return HttpResponse.json({ keys: [PUBLIC] });
      }),
    ],
    { quiet: true },
  );
}

export type TokenOptions = {
  /** Claims to add or replace (`aud`, `iss`, `email`…); `undefined` removes one. */
  claims?: Partial<Record<string, unknown>>;
  /** Seconds from now when it expires (default 1 h); negative: already expired. */
  expiresIn?: number;
  /** Another key than the team's (a forgery). */
  key?: CryptoKey;
};

/** An Access application token for `email`, as Cloudflare Access would put in `Cf-Access-Jwt-Assertion`. */
export async function accessToken(email: string | null, o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: TEAM,
    aud: AUD,
    sub: `sub-${email}`,
    iat: now - 60,
    nbf: now - 60,
    exp: now + (o.expiresIn ?? 3600),
    email: email ?? undefined,
    type: "app",
    country: "FR",
    ...o.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid: PUBLIC.kid })
    .sign(o.key ?? ((await importJWK(PRIVATE, "RS256")) as CryptoKey));
}

/** A key that is not the team's, with the team key's `kid`: what a forger would sign with. */
export async function forgerKey() {
  return (await generateKeyPair("RS256")).privateKey;
}

/** Gives `email` access, as an administrator would on the « Accès » page. */
export async function grant(email: string, certifierId?: string) {
  await saveUser(getDb(env.DB), { email, role: certifierId ? "certifier" : "admin", certifierId }, "operator");
}

export type OfficeOptions = {
  /** An e-mail (a token is signed for it), a raw token, or nobody. */
  as?: string | { token: string } | null;
  form?: Record<string, string>;
  /** A body sent as it is (with its `Content-Type` in `headers`), instead of `form`. */
  raw?: string;
  /** `Origin` of a POST (default: the registry's own). `null`: none sent. */
  origin?: string | null;
  accept?: string;
  headers?: Record<string, string>;
  env?: Env;
};

/** One request to the back-office, as a browser sends it; redirects are answers, not followed. */
export async function office(method: string, path: string, o: OfficeOptions = {}) {
  const headers: Record<string, string> = { Accept: o.accept ?? "text/html,application/xhtml+xml", ...o.headers };
  if (o.as) headers["Cf-Access-Jwt-Assertion"] = typeof o.as === "string" ? await accessToken(o.as) : o.as.token;
  let body: string | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const origin = o.origin === undefined ? new URL(env.PUBLIC_BASE_URL).origin : o.origin;
    if (origin !== null) headers.Origin = origin;
    if (o.form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(o.form).toString();
    } else if (o.raw !== undefined) body = o.raw;
  }
  const res = await fetchWorker(new Request(`${BASE}${path}`, { method, headers, body, redirect: "manual" }), {
    env: o.env,
  });
  const text = await res.text();
  // Every back-office page a test renders speaks French: none of the English the code can say.
  if (res.headers.get("Content-Type")?.startsWith("text/html")) {
    const english = englishIn(text);
    if (english.length > 0) throw new Error(`${method} ${path} shows English: ${english.join(" | ")}`);
  }
  return { status: res.status, headers: res.headers, text };
}
