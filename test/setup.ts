import { applyD1Migrations, env } from "cloudflare:test";
import { afterAll } from "vitest";
import { conformance } from "./helpers";

// Runs before each test file; storage is isolated per file, and applying is idempotent.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// How many responses this file's tests held against /openapi.json: test/openapi-reporter.ts adds
// them up and prints the total, so a run shows the check is active.
// biome-ignore lint/correctness/noEmptyPattern: vitest wants its hook context destructured, even unused.
afterAll(async ({}, file) => {
  file.meta.openapiResponsesChecked = (await conformance()).checked.responses;
});
