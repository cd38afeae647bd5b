import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../src/app";
import { isCodeSp, RESERVED_CODES } from "../src/domain/identifiers";
import { makeCertifier, structurePayload } from "./factories";
import { call } from "./helpers";

describe("authentication and roles", () => {
  const adminRoutes: [string, string, unknown?][] = [
    ["GET", "/v1/structures"],
    ["POST", "/v1/structures", structurePayload({ code: "AUTH-1" })],
    ["GET", "/v1/structures/AUTH-1"],
    ["PATCH", "/v1/structures/AUTH-1", { name: "x" }],
    ["PUT", "/v1/structures/AUTH-1/certifier", { certifierId: "oc_x", contractRef: "M" }],
    ["GET", "/v1/certifiers"],
    ["POST", "/v1/certifiers", { name: "x" }],
    ["GET", "/v1/certifiers/oc_x"],
    ["PATCH", "/v1/certifiers/oc_x", { name: "x" }],
    ["POST", "/v1/certifiers/oc_x/webhook-secrets"],
    ["GET", "/v1/api-keys"],
    ["POST", "/v1/api-keys", { role: "admin" }],
    ["POST", "/v1/api-keys/key_x/revoke"],
  ];

  it.each(adminRoutes)("%s %s: 401 without or with a made-up key, 403 for a body's key", async (method, path, body) => {
    const none = await call(method, path, { token: null, body });
    expect(none.status).toBe(401);
    expect(none.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(none.json.code).toBe("unauthorized");
    expect((await call(method, path, { token: "spp_made_up", body })).status).toBe(401);
    const body_ = await makeCertifier();
    const forbidden = await call(method, path, { token: body_.apiKey, body });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.code).toBe("forbidden");
  });

  it("lets the admin token and an admin API key in", async () => {
    expect((await call("GET", "/v1/structures")).status).toBe(200);
    const k = await call("POST", "/v1/api-keys", { body: { role: "admin" } });
    expect((await call("GET", "/v1/certifiers", { token: k.json.apiKey })).status).toBe(200);
  });

  it("rejects a malformed Authorization header as 401", async () => {
    const r = await call("GET", "/v1/structures", { token: null, headers: { Authorization: "Basic abc" } });
    expect(r.status).toBe(401);
  });
});

describe("errors are RFC 9457 problems", () => {
  it("unknown route → 404 problem", async () => {
    const r = await call("GET", "/nope");
    expect(r.status).toBe(404);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    expect(r.json).toMatchObject({
      type: `${env.PUBLIC_BASE_URL}/problems/not-found`,
      title: "Not found",
      status: 404,
      instance: "/nope",
    });
    expect(r.json.detail).toEqual(expect.any(String));
  });

  it("malformed JSON → 400 problem", async () => {
    const r = await call("POST", "/v1/structures", {
      raw: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe("bad-request");
  });

  it("a JSON body sent with another content type → 415, nothing changed", async () => {
    const body = structurePayload({ code: "CT-1" });
    const r = await call("POST", "/v1/structures", {
      raw: JSON.stringify(body),
      headers: { "Content-Type": "text/plain" },
    });
    expect(r.status).toBe(415);
    expect((await call("GET", "/v1/structures/CT-1")).status).toBe(404);
    const patch = await call("PATCH", "/v1/structures/CT-1", {
      raw: "name=x",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(patch.status).toBe(415);
  });

  it("a body over 1 MiB → 413 problem", async () => {
    const big = structurePayload({ name: "x".repeat(1024 * 1024 + 10) });
    const r = await call("POST", "/v1/structures", { body: big });
    expect(r.status).toBe(413);
    expect(r.json.code).toBe("payload-too-large");
  });

  it("a JSON array or null body → 422 at `body`", async () => {
    for (const raw of ["[]", "null", "42"]) {
      const r = await call("POST", "/v1/structures", { raw, headers: { "Content-Type": "application/json" } });
      expect(r.status).toBe(422);
      expect(r.json.errors[0].path).toBe("body");
    }
  });
});

describe("literal path segments beside parameters", () => {
  it("every literal segment where a reference or code could stand is a reserved word, never a Code SP+", () => {
    const routes = app.routes.filter((r) => r.method !== "ALL");
    const literal = routes.filter((r) => !r.path.includes(":"));
    const shadowed = new Set<string>();
    for (const r of routes) {
      const segs = r.path.split("/");
      segs.forEach((seg, i) => {
        if (!seg.startsWith(":")) return;
        for (const l of literal) {
          const ls = l.path.split("/");
          if (ls.length === segs.length && segs.every((s, k) => k === i || s === ls[k]))
            shadowed.add(ls[i]!.toLowerCase());
        }
      });
    }
    const admin = [...shadowed].filter((w) => w !== "new" && w !== ""); // /admin/certifiers/new: ids are generated, never typed
    expect(admin.sort()).toEqual([...RESERVED_CODES].sort());
    for (const w of RESERVED_CODES) expect(isCodeSp(w)).toBe(false);
  });

  it("GET /v1/public/labels/verify is a wrong method on the bulk verification: 405 with Allow: POST", async () => {
    for (const path of ["/v1/public/labels/verify"]) {
      const r = await call("GET", path, { token: null });
      expect(r.status).toBe(405);
      expect(r.headers.get("Allow")).toBe("POST");
      expect(r.json.type).toMatch(/method-not-allowed$/);
    }
  });

  it("a structure can't be coded « verify » in any case (it would shadow the bulk verification)", async () => {
    for (const code of ["verify", "Verify", "VERIFY"]) {
      const r = await call("POST", "/v1/structures", { body: structurePayload({ code }) });
      expect(r.status).toBe(422);
      expect(r.json.errors[0].path).toBe("code");
    }
  });
});

describe("OpenAPI and docs", () => {
  it("serves an OpenAPI 3.1 document generated from the routes, with descriptions and examples", async () => {
    const r = await call("GET", "/openapi.json", { token: null });
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe("3.1.0");
    expect(Object.keys(r.json.paths)).toEqual(
      expect.arrayContaining([
        "/health",
        "/v1/structures",
        "/v1/structures/{code}",
        "/v1/certifiers/{id}/webhook-secrets",
      ]),
    );
    const post = r.json.paths["/v1/structures"].post;
    expect(post.description).toEqual(expect.any(String));
    expect(r.json.components.schemas.StructureCreate.properties.siret.example).toBe("11000201100044");
    expect(r.json.components.schemas.Problem).toBeDefined();
  });

  it("serves an interactive reference at /docs", async () => {
    const r = await call("GET", "/docs", { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toMatch(/text\/html/);
    expect(r.text).toContain("/openapi.json");
  });
});
