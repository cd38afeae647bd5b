/**
 * One public answer about one reference, the same way on every surface (JSON, shields, badge, page):
 * 1. the reference is decoded, validated and put in canonical form once, here;
 * 2. any other spelling of the path redirects (301) to the canonical one;
 * 3. the edge cache is read under the canonical path only;
 * 4. a miss is rate-limited, then read from the PRIMARY database: a replica lagging behind a change
 *    must never be cached for minutes after the purge of that change (no stale refill);
 * 5. a Code SP+ written in another case redirects to the registry's spelling;
 * 6. an answer about a known reference is stored with its Cache-Tags and a max-age that never reaches
 *    past midnight in France; an answer about an unknown reference is not stored;
 * 7. when D1 fails or exceeds its budget, the last known answer (src/public/last-known.ts), marked stale and
 *    kept seconds only; with nothing recent known, 503 `unavailable` (the badge draws « indisponible »).
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { answerTags } from "../changes/public-change";
import { getDb } from "../db/client";
import { findPublicLabel, findPublicLabels, type PublicLabelRow } from "../db/public";
import type { PublicEvent } from "../db/public-results";
import { parisDay } from "../domain/paris-time";
import { canonicalPath, type PublicRef, parseRef, type Surface } from "../domain/public-ref";
import { config } from "../env";
import { nothingRecentKnown, OUTAGE_RETRY_AFTER_SECONDS, outageSettings, withinBudget } from "../lib/d1-outage";
import { asApiError } from "../lib/errors";
import { log, loggableError } from "../lib/log";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { unavailablePage } from "../pages/stale-notice";
import { depsOf } from "../services/deps";
import { cachedAnswer, cacheKey, conditional, maxAgeAt } from "./cache";
import { type LastKnown, lastKnownAnswer, refreshIfOld, STALE_MAX_AGE_SECONDS } from "./last-known";
import { type PublicLabel, toPublicLabel } from "./present";

/** Reads references from the primary database (bulk verification): one answer per reference, in order. */
export async function lookupMany(env: Env, refs: readonly PublicRef[], now: Date): Promise<(PublicLabel | null)[]> {
  const rows = await findPublicLabels(getDb(env.DB), refs);
  return rows.map((row) => (row ? present(env, row, now) : null));
}

function present(env: Env, row: PublicLabelRow, now: Date): PublicLabel {
  return toPublicLabel(row, parisDay(now), now.toISOString(), env.PUBLIC_BASE_URL, config(env).PUBLICATION_POLICY);
}

/**
 * What an answer is rendered from besides the label: the structure's public history (read with the row,
 * for the surfaces that show it; `[]` for the others), and `known`, the last known facts when D1 failed
 * (src/public/last-known.ts): read nothing else from D1 then.
 */
export type Facts = { history: PublicEvent[]; known?: LastKnown };

export type Render = (label: PublicLabel | null, ref: PublicRef, now: Date, facts: Facts) => Promise<Response>;

/** The surfaces that show the history: only their lookups read it. */
const WITH_HISTORY: ReadonlySet<Surface> = new Set(["page", "history"]);

/** A redirect to the canonical path, cached by browsers (a spelling never changes meaning). */
export function redirect(to: string, maxAgeSeconds: number): Response {
  return new Response(null, {
    status: 301,
    headers: {
      Location: to,
      "Cache-Control": `public, max-age=${maxAgeSeconds}`,
      "Access-Control-Allow-Origin": "*",
    },
  });
}

export async function servePublic(
  c: Context<AppEnv>,
  surface: Surface,
  segment: string,
  render: Render,
  malformed: (segment: string) => Response | Promise<Response>,
): Promise<Response> {
  const ref = parseRef(segment);
  if (!ref) return malformed(segment);
  const path = canonicalPath(surface, ref.value);
  if (new URL(c.req.url).pathname !== path) return redirect(path, 86_400);

  const key = cacheKey(path);
  const hit = await cachedAnswer(key);
  if (hit) return conditional(c.req.raw, hit);
  // Only misses are throttled: the edge cache absorbs embedded-badge traffic, which is never limited.
  await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
  const now = new Date();
  const respelled = (l: PublicLabel | null) => l !== null && ref.kind === "code" && l.structure.code !== ref.value;
  let label: PublicLabel | null;
  let rendered: Response | null;
  try {
    // D1 has a time budget: past it, or failing, the answer is the last known one (src/public/last-known.ts).
    [label, rendered] = await withinBudget(outageSettings(c.env).budgetMs, async () => {
      const row = await findPublicLabel(getDb(c.env.DB), ref, WITH_HISTORY.has(surface));
      const l = row ? present(c.env, row, now) : null;
      return [l, respelled(l) ? null : await render(l, ref, now, { history: row?.history ?? [] })] as const;
    });
    if (label) c.executionCtx.waitUntil(refreshIfOld(depsOf(c), ref, label.structure.code, now));
  } catch (err) {
    if (asApiError(err)) throw err;
    const stale = await lastKnownAnswer(c.env, ref, now, { surface, cause: err });
    if (!stale) {
      if (surface === "page") return unavailablePage(OUTAGE_RETRY_AFTER_SECONDS);
      throw nothingRecentKnown();
    }
    label = stale.label;
    rendered = respelled(label)
      ? null
      : await render(label, ref, now, { history: stale.known.history, known: stale.known });
  }
  if (!rendered && label) {
    // Matched without regard to case: the registry's spelling is the canonical one.
    return redirect(canonicalPath(surface, label.structure.code), 3_600);
  }
  const res = new Response(rendered!.body, rendered!);
  res.headers.set("X-Cache", label?.stale ? "STALE" : "MISS");
  if (label?.stale && res.status === 200) {
    // Seconds only, at the edge and in browsers: D1 may be back any moment (and its purge will not follow).
    res.headers.set("Cache-Control", `public, max-age=${STALE_MAX_AGE_SECONDS}`);
    res.headers.set("X-Facts-At", label.factsAt!);
    await storeQuietly(key, res);
  } else if (label && res.status === 200) {
    const maxAge = maxAgeAt(now);
    res.headers.set("Cache-Control", `public, max-age=${maxAge}`);
    res.headers.set("Cache-Tag", answerTags(label).join(","));
    // Awaited (not waitUntil): a put takes a few ms, and a purge right after must find it. A max-age of
    // 0 (the last second before midnight) is not worth storing.
    if (maxAge > 0) await storeQuietly(key, res);
  } else if (!res.headers.has("Cache-Control")) {
    // Unknown today, registered tomorrow: browsers may keep it a minute, the edge not at all.
    res.headers.set("Cache-Control", "public, max-age=60");
  }
  return conditional(c.req.raw, res);
}

/** The edge cache is an optimisation: when the Cache API fails, the answer still goes out (logged). */
async function storeQuietly(key: Request, res: Response): Promise<void> {
  try {
    await caches.default.put(key, res.clone());
  } catch (err) {
    log.warn("edge cache put failed", loggableError(err));
  }
}

/** The path segment after `prefix` and before `suffix`, still percent-encoded (decoded once, by parseRef). */
export function rawSegment(c: Context<AppEnv>, prefix: string, suffix = ""): string {
  const path = new URL(c.req.url).pathname;
  return path.slice(prefix.length, suffix ? path.length - suffix.length : undefined);
}
