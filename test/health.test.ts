import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("GET /health", () => {
  it("answers ok without credentials", async () => {
    const r = await call("GET", "/health", { token: null });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: "ok" });
  });
});
