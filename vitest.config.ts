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
        // body, and every test file's failed signatures come from one address: those limits are raised
        // for tests. Throttling itself is tested on the public limiter (production limit kept) and, for
        // webhooks, on TEST_WEBHOOK_LIMITER and TEST_WEBHOOK_AUTH_FAIL_LIMITER: copies of production's
        // (600 and 60 a minute) that test/rate-limit.test.ts puts in their place.
        ratelimits: {
          API_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
          WEBHOOK_LIMITER: { namespace_id: "1003", simple: { limit: 1_000_000, period: 60 } },
          WEBHOOK_AUTH_FAIL_LIMITER: { namespace_id: "1004", simple: { limit: 1_000_000, period: 60 } },
          TEST_WEBHOOK_LIMITER: { namespace_id: "1903", simple: { limit: 600, period: 60 } },
          TEST_WEBHOOK_AUTH_FAIL_LIMITER: { namespace_id: "1904", simple: { limit: 60, period: 60 } },
        },
        // A second, real D1 standing for a read replica that has not caught up with the primary yet
        // (test/public-truth.test.ts « no stale refill »): D1 replicas cannot be made to lag locally.
        d1Databases: { LAGGING_REPLICA: "lagging-replica" },
        bindings: {
          ADMIN_TOKEN: "test-admin-token-0123456789",
          // A fixed Ed25519 seed for tests only (test/credentials.test.ts rotates to another).
          CREDENTIAL_SIGNING_KEY: "FHp-yPxbyoLAaVBZnf9ohFQvYbqu--745TVH_FsNyI4",
          EMAIL_TRANSPORT: "local",
          // As in .dev.vars: the dev outbox is open in tests (test/security.test.ts closes it too).
          DEV_OUTBOX: "on",
          // Off whatever a developer's .dev.vars says (it turns it on for `npm run dev`): the tests switch it on
          // where they need it (test/notifications.test.ts).
          NOTIFY_ALLOW_LOOPBACK_HTTP: "off",
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
    // The Verifiable Credentials libraries are CommonJS whose `browser` field swaps out Node-only files
    // (jsonld's HTTP document loader): bundled ahead, as wrangler bundles them for the Worker.
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: [
            "@digitalbazaar/vc",
            "@digitalbazaar/data-integrity",
            "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
            "@digitalbazaar/vc-bitstring-status-list",
          ],
        },
      },
    },
    // The second prints how many responses were checked against /openapi.json (.ci/run names both).
    reporters: ["default", "./test/openapi-reporter.ts"],
    testTimeout: 20_000,
  },
}));
