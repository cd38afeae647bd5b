import { z } from "@hono/zod-openapi";
import { readiness } from "../health/readiness";
import { authenticate } from "../lib/auth";
import { timingSafeEqualStrings } from "../lib/crypto";
import { log } from "../lib/log";
import { router } from "../lib/router";
import { apiRoute, json, noSecurity } from "./openapi-common";

export const healthRouter = router();

healthRouter.openapi(
  apiRoute({
    method: "get",
    path: "/health",
    operationId: "getHealth",
    security: noSecurity,
    tags: ["meta"],
    summary: "Liveness (no database access)",
    description:
      "Answers as long as the Worker runs, whatever its configuration or database (readiness: `/health/ready`). " +
      "Also the baseline of the benchmarks.",
    responses: {
      200: json(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up"),
    },
  }),
  (c) => c.json({ status: "ok" as const }, 200),
);

const Readiness = z
  .object({
    status: z.enum(["ready", "not-ready"]).openapi({ example: "ready" }),
    configuration: z
      .object({
        valid: z.boolean(),
        problems: z.array(z.string()).openapi({
          description: "One line per problem (never a value): e.g. `CREDENTIAL_SIGNING_KEY: …`, `PUBLIC_BASE_URL: …`",
          example: [],
        }),
      })
      .optional(),
    database: z
      .object({
        answers: z.boolean().openapi({ description: "D1 answered within D1_READ_BUDGET_MS" }),
        ms: z.number().int().openapi({ example: 4 }),
        error: z.string().nullable().openapi({ example: null }),
      })
      .optional(),
    backlog: z
      .object({
        pendingEffects: z.number().int().openapi({ description: "Effects of changes not carried out yet", example: 0 }),
        oldestPendingEffectSeconds: z.number().int().nullable().openapi({
          description:
            "Age of the oldest of them (null: none). Minutes: a purge or a KV write being retried; hours: look at the logs",
          example: null,
        }),
        deadLetteredNotifications: z.number().int().openapi({
          description:
            "Subscribers' deliveries the dead-letter queue gave up on (re-deliver them from the back-office)",
          example: 0,
        }),
        failedEmails: z.number().int().openapi({ description: "E-mails that failed for good", example: 0 }),
      })
      .nullable()
      .optional(),
  })
  .openapi("Readiness");

healthRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/health/ready",
      operationId: "getReadiness",
      security: noSecurity,
      tags: ["meta"],
      summary: "Readiness (configuration, database, backlog)",
      description:
        "200 `ready` when the configuration is valid and D1 answers within `D1_READ_BUDGET_MS`; 503 `not-ready` " +
        "otherwise (a missing or malformed `CREDENTIAL_SIGNING_KEY`, a production `PUBLIC_BASE_URL` that is not an " +
        "`https://` origin, D1 down). Without credentials, the status alone; with the admin token or an admin API " +
        "key (`Authorization: Bearer`), the details: the configuration's problems, D1's time, and the backlog " +
        "(oldest pending effect, dead-lettered notifications, failed e-mails), which is reported but never makes " +
        "the Worker unready. Never cached. `/health` stays liveness (no database).",
      responses: {
        200: json(Readiness, "Ready"),
        503: json(Readiness, "Not ready: see the details (with an admin key) or the logs"),
      },
    },
    { ignoresQuery: true },
  ),
  async (c) => {
    const r = await readiness(c.env);
    const status = r.ready ? ("ready" as const) : ("not-ready" as const);
    if (!r.ready) log.error("not ready", { configuration: r.configuration.problems, database: r.database.error });
    const body = (await isAdmin(c.env, c.req.header("Authorization")))
      ? { status, configuration: r.configuration, database: r.database, backlog: r.backlog }
      : { status };
    return c.json(body, r.ready ? 200 : 503, { "Cache-Control": "no-store" });
  },
);

/**
 * Details for an admin only. The configuration may be the very thing that is wrong, and D1 down: the
 * ADMIN_TOKEN is compared as set, and an admin API key (in D1) is simply not recognised then.
 */
async function isAdmin(env: Env, header: string | undefined): Promise<boolean> {
  try {
    return (await authenticate(env, header))?.role === "admin";
  } catch {
    const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const admin = typeof env.ADMIN_TOKEN === "string" && env.ADMIN_TOKEN.length >= 16 ? env.ADMIN_TOKEN : null;
    return !!token && !!admin && (await timingSafeEqualStrings(token, admin));
  }
}
