import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { ApiError, fieldErrors } from "./errors";

/**
 * Every router is an OpenAPIHono with this hook, so a request that fails its zod schema answers a
 * 422 problem naming each wrong field, whichever router it reached.
 */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError("validation", "The request does not match the schema", {
          errors: fieldErrors(result.error.issues),
        });
      }
    },
  });
}
