import type { D1Migration } from "@cloudflare/vitest-plugin";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      FUZZ_RUNS: string;
      INTERLEAVINGS: string;
      INTERLEAVINGS_SEED: string;
      TEST_WEBHOOK_LIMITER: RateLimit;
      LAGGING_REPLICA: D1Database;
      TEST_WEBHOOK_AUTH_FAIL_LIMITER: RateLimit;
      /** The private JWK standing for the Access team's signing key (vitest.config.ts). */
      TEST_ACCESS_KEY: string;
      ACCESS_TEAM_DOMAIN: string;
      ACCESS_AUD: string;
    }
  }
}

declare module "vitest" {
  interface TaskMeta {
    /** Responses of this test file checked against /openapi.json (test/setup.ts). */
    openapiResponsesChecked?: number;
  }
}
