/**
 * Who is calling. Admins present the `ADMIN_TOKEN` secret or an admin API key; certification bodies
 * present their API key. 401 = we don't know who you are; 403 = we know, and you may not.
 */
import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { type Db, getDb } from "../db/client";
import { apiKeys, structures } from "../db/schema";
import { config } from "../env";
import { sha256Hex, timingSafeEqualStrings } from "./crypto";
import { ApiError } from "./errors";
import { enforceRateLimit } from "./rate-limit";

export type Principal =
  | { role: "admin"; actor: string; keyId: string | null }
  | { role: "certifier"; actor: string; keyId: string; certifierId: string };

const unauthorized = () =>
  new ApiError("unauthorized", "Send a valid API key as `Authorization: Bearer <key>`", {
    headers: { "WWW-Authenticate": 'Bearer realm="spp-registry"' },
  });

/** The key lookup of `authenticate`; exported for query-plan tests. */
export function apiKeyByHashQuery(db: Db, hash: string) {
  return db
    .select({ id: apiKeys.id, role: apiKeys.role, certifierId: apiKeys.certifierId })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
}

export async function authenticate(env: Env, header: string | undefined): Promise<Principal | null> {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match?.[1]) return null;
  const token = match[1];
  if (await timingSafeEqualStrings(token, config(env).ADMIN_TOKEN)) {
    return { role: "admin", actor: "admin:token", keyId: null };
  }
  // The lookup is by hash, so the stored value never meets the presented key in a comparison.
  const hash = await sha256Hex(token);
  const rows = await apiKeyByHashQuery(getDb(env.DB), hash);
  const key = rows[0];
  if (!key) return null;
  if (key.role === "admin") return { role: "admin", actor: `admin:${key.id}`, keyId: key.id };
  if (!key.certifierId) return null;
  return { role: "certifier", actor: `certifier:${key.certifierId}`, keyId: key.id, certifierId: key.certifierId };
}

/** Requires one of `roles`; sets `c.var.principal`. */
export function requireRole(...roles: Principal["role"][]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = await authenticate(c.env, c.req.header("Authorization"));
    if (!principal) throw unauthorized();
    await enforceRateLimit(c.env.API_LIMITER, principal.keyId ?? principal.actor);
    if (!roles.includes(principal.role)) {
      throw new ApiError("forbidden", `This operation needs the ${roles.join(" or ")} role`);
    }
    c.set("principal", principal);
    await next();
  });
}

/**
 * A certification body reads only what concerns the structures assigned to it — the same rule as for
 * the events it may push (src/webhooks/process.ts); an admin reads everything. 403, not 404, for
 * another body's structure: Code SP+ and label numbers are public anyway. The back-office checks its
 * bodies' members with it too.
 */
export async function assertMayRead(
  db: Db,
  principal: { role: "admin" } | { role: "certifier"; certifierId: string },
  structureCode: string,
): Promise<void> {
  if (principal.role === "admin") return;
  const [s] = await db
    .select({ certifierId: structures.certifierId })
    .from(structures)
    .where(eq(structures.code, structureCode));
  if (s?.certifierId !== principal.certifierId) {
    throw new ApiError("forbidden", `Structure ${structureCode} is not assigned to this certification body`);
  }
}
