import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the Worker of wrangler.toml and a real (miniflare) D1.
// Migrations are read here, in Node, and handed to the tests as a test-only binding that
// test/setup.ts applies — the same SQL files `wrangler d1 migrations apply` runs.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Fuzzing sends thousands of admin requests and signed deliveries a minute, to one key and one
        // body: the per-key and per-body limits are raised for tests. Throttling itself is tested on the
        // public limiter (production limit kept) and, for webhooks, on TEST_WEBHOOK_LIMITER: a copy of
        // production's WEBHOOK_LIMITER (600/min) that test/rate-limit.test.ts puts in its place.
        ratelimits: {
          API_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
          WEBHOOK_LIMITER: { namespace_id: "1003", simple: { limit: 1_000_000, period: 60 } },
          TEST_WEBHOOK_LIMITER: { namespace_id: "1903", simple: { limit: 600, period: 60 } },
        },
        bindings: {
          ADMIN_TOKEN: "test-admin-token-0123456789",
          EMAIL_TRANSPORT: "local",
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          // Cases per fuzzed endpoint: 1,000 by default (CI); `FUZZ_RUNS=20000 npm test` for a longer run.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "1000",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**"],
    setupFiles: ["./test/setup.ts"],
    // The second prints how many responses were checked against /openapi.json (.ci/run names both).
    reporters: ["default", "./test/openapi-reporter.ts"],
    testTimeout: 20_000,
  },
}));
