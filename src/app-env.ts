import type { Principal } from "./lib/auth";

/** Hono's type parameters for every router of this app. */
export type AppEnv = {
  Bindings: Env;
  Variables: { principal: Principal };
};
