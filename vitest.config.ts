import { generateKeyPairSync } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the Worker of wrangler.toml and a real (miniflare) D1.
// Migrations are read here, in Node, and handed to the tests as a test-only binding that
// test/setup.ts applies — the same SQL files `wrangler d1 migrations apply` runs.
// The back-office's sign-in is Cloudflare Access in the tests, as in production: a key pair made for
// this run stands for the team's signing key; test/access.ts serves its public half as the team's
// JWKS (through MSW, never the network) and signs tokens with it.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const TEST_ACCESS_KEY = JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid: "test-run-key", alg: "RS256" });

// The secrets wrangler.toml declares required, for tests only. Also put in process.env, where wrangler looks
// for them before the bindings below apply: otherwise every test file prints « Missing required secrets ».
const SECRETS = {
  ADMIN_TOKEN: "test-admin-token-0123456789",
  // A fixed Ed25519 seed for tests only (test/credentials.test.ts rotates to another).
  CREDENTIAL_SIGNING_KEY: "FHp-yPxbyoLAaVBZnf9ohFQvYbqu--745TVH_FsNyI4",
  // The transparency log's checkpoint key, for tests only (optional in production until set).
  LOG_SIGNING_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
};
Object.assign(process.env, SECRETS);

/** Fuzzed cases per endpoint when FUZZ_RUNS is not set: few, so `npm test` stays quick on 2 cores. */
const FUZZ_RUNS_DEFAULT = "50";
/** Random interleavings of the label verbs (test/interleavings.test.ts) when INTERLEAVINGS is not set; CI: 1,000. */
const INTERLEAVINGS_DEFAULT = "100";

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
          ...SECRETS,
          EMAIL_TRANSPORT: "local",
          // As in .dev.vars: the dev outbox is open in tests (test/security.test.ts closes it too).
          DEV_OUTBOX: "on",
          // Off whatever a developer's .dev.vars says (it turns it on for `npm run dev`): the tests switch it on
          // where they need it (test/notifications.test.ts).
          NOTIFY_ALLOW_LOOPBACK_HTTP: "off",
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          // Whatever .dev.vars says (`npm run dev` turns the dev sign-in on): tests sign in through Access.
          BACKOFFICE_DEV_LOGIN: "off",
          // Off whatever .dev.vars says (it turns it on for `npm run dev` and the load run): as in production.
          DEV_FAULTS: "off",
          ACCESS_TEAM_DOMAIN: "https://spp-test.cloudflareaccess.com",
          ACCESS_AUD: "test-access-audience-tag",
          TEST_ACCESS_KEY,
          // Cases per fuzzed endpoint: FUZZ_RUNS_DEFAULT for `npm test` on a developer's machine (the README's
          // time); CI runs 1,000 (.ci/run sets FUZZ_RUNS); `FUZZ_RUNS=20000 npm test` for a longer run.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? FUZZ_RUNS_DEFAULT,
          // Random interleavings of the label verbs (test/interleavings.test.ts): INTERLEAVINGS_DEFAULT; CI 1,000;
          // `INTERLEAVINGS=20` for a quick local run, `INTERLEAVINGS=10000` for a longer one.
          INTERLEAVINGS: process.env.INTERLEAVINGS ?? INTERLEAVINGS_DEFAULT,
          // `INTERLEAVINGS_SEED=<seed>` replays the runs of a failure fast-check reported (« seed: … »).
          INTERLEAVINGS_SEED: process.env.INTERLEAVINGS_SEED ?? "",
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
