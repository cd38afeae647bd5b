import { z } from "@hono/zod-openapi";
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
    description: "Answers as long as the Worker runs. Also the baseline of the benchmarks.",
    responses: {
      200: json(z.object({ status: z.literal("ok") }).openapi("Health"), "The Worker is up"),
    },
  }),
  (c) => c.json({ status: "ok" as const }, 200),
);
