/**
 * `POST /dev/faults/d1?seconds=N` (local development only; body `{"coldCache": [codes]}` optional): makes this Worker's D1 fail for N seconds, so the
 * load run (scripts/load.mjs) can show what an outage does to every public answer. It exists only when
 * DEV_FAULTS=on, which the configuration refuses unless PUBLIC_BASE_URL is on loopback (src/env.ts), as it
 * does for the dev outbox and the dev sign-in; and it asks for ADMIN_TOKEN. The outage lives in this isolate's
 * memory: `wrangler dev` runs one. Not in /openapi.json: not part of the API.
 */

import { codeTag } from "../changes/public-change";
import { purgeLocally } from "../changes/purge";
import { config } from "../env";
import { timingSafeEqualStrings } from "../lib/crypto";
import { outageD1 } from "../lib/d1-outage";
import { ApiError } from "../lib/errors";
import { log } from "../lib/log";
import { router } from "../lib/router";

let outageUntil = 0;

/** `env`, with a failing D1 while a dev outage lasts (never otherwise, and never unless DEV_FAULTS=on). */
export function withDevFaults(env: Env): Env {
  if ((env.DEV_FAULTS as string) !== "on" || Date.now() >= outageUntil) return env;
  return { ...env, DB: outageD1("error") };
}

export const devFaultsRouter = router();

devFaultsRouter.post("/d1", async (c) => {
  const cfg = config(c.env);
  if (cfg.DEV_FAULTS !== "on") throw new ApiError("not-found", `No route for POST ${c.req.path}`);
  const auth = c.req.header("Authorization") ?? "";
  if (!(await timingSafeEqualStrings(auth, `Bearer ${cfg.ADMIN_TOKEN}`)))
    throw new ApiError("unauthorized", "Send ADMIN_TOKEN");
  const seconds = Number(c.req.query("seconds") ?? "30");
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 600) {
    throw new ApiError("validation", "seconds: a whole number from 0 to 600", {
      errors: [{ path: "seconds", message: "A whole number from 0 to 600" }],
    });
  }
  // `{"coldCache": ["CODE", …]}`: this data centre's cached answers about these structures are dropped first,
  // so the outage meets them cold (as a data centre that has not served them for five minutes would).
  const body = (await c.req.json().catch(() => ({}))) as { coldCache?: unknown };
  const codes = Array.isArray(body.coldCache) ? body.coldCache.filter((x): x is string => typeof x === "string") : [];
  await purgeLocally(codes.map(codeTag));
  outageUntil = Date.now() + seconds * 1000;
  log.warn("dev fault: D1 made to fail", { seconds, coldCache: codes.length });
  return c.json({ d1: "failing", until: new Date(outageUntil).toISOString() });
});
