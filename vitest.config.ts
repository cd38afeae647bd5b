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
        // Fuzzing sends thousands of admin requests a minute: the per-key limit is raised for tests;
        // throttling itself is tested on the public limiter, whose production limit is kept.
        ratelimits: { API_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } } },
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
    testTimeout: 20_000,
  },
}));
