/**
 * The typed client generated from /openapi.json (openapi-typescript + openapi-fetch), as the examples
 * use it, driving the Worker end to end. Its types come from the document and every answer is held
 * against it (fetchWorker): a drift between document and server breaks this test or the type check.
 */
import { describe, expect, it } from "vitest";
import { ok, registryClient, sendEvent } from "../examples/client.mjs";
import { labelAStructure } from "../examples/flows.mjs";
import { ADMIN, BASE, fetchWorker } from "./helpers";

const connect = (token?: string) => registryClient({ baseUrl: BASE, token, fetch: (r) => fetchWorker(r) });

describe("the generated client", () => {
  it("registers, assigns, sends signed results, evaluates, decides and verifies (examples/flows.mjs)", async () => {
    const { evaluation, decided, verified } = await labelAStructure(connect, { adminToken: ADMIN, code: "CLIENT-E2E" });
    expect(evaluation).toMatchObject({ state: "complete", proposedTier: "or", missing: [] });
    expect(decided.label).toMatchObject({ structureCode: "CLIENT-E2E", tier: "or", status: "valid" });
    expect(verified).toMatchObject({
      valid: true,
      status: "valid",
      tier: "or",
      labelNumber: decided.label!.number,
      structure: { code: "CLIENT-E2E" },
    });
  });

  it("reads problems as the document types them, and a replayed delivery as the first", async () => {
    const admin = connect(ADMIN);
    const bad = await admin.POST("/v1/structures", {
      // A wrong postcode: typed as a string, refused by the pattern the document publishes.
      body: {
        code: "CLIENT-BAD",
        name: "x",
        network: "x",
        category: "eple",
        postcode: "00000",
        city: "x",
        department: "13",
        contacts: [{ email: "a@b.fr" }],
      },
    });
    expect(bad.response.status).toBe(422);
    expect(bad.error?.errors).toContainEqual({ path: "postcode", message: expect.any(String) });

    const unsigned = await sendEvent(connect(), {
      certifierId: "oc_unknown",
      secret: "whsec_ZHVtbXktc2VjcmV0LW5ldmVyLXVzZWQtZm9yLXNpZ25pbmc=",
      event: {
        type: "label.withdrawn",
        timestamp: new Date().toISOString(),
        data: { labelNumber: "SPP-2026-000001", reason: "x", effectiveOn: "2026-01-01" },
      },
    });
    expect(unsigned.response.status).toBe(401);
    expect(unsigned.error?.code).toBe("unauthorized");
    expect(() => ok(unsigned, "deliver")).toThrow(/deliver: 401/);
  });
});
