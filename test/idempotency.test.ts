/**
 * `Idempotency-Key` on the admin API's POSTs (src/lib/idempotency.ts): a retried or doubled request is
 * carried out once and answered the same; the key can't be reused for another request, nor reach
 * another caller's answer; a refused request frees it; the daily job forgets keys after a day.
 */
import { describe, expect, it } from "vitest";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { makeAssignment, makeCertifier, makeInputs, makeStructure, structurePayload, uniqueId } from "./factories";
import { call, daily, sql } from "./helpers";

const today = todayUtc();
const withKey = (key: string, headers: Record<string, string> = {}) => ({ "Idempotency-Key": key, ...headers });

describe("Idempotency-Key on admin POSTs", () => {
  it("the same request twice: carried out once, the second answered the same, marked replayed", async () => {
    const body = structurePayload();
    const key = crypto.randomUUID();
    const first = await call("POST", "/v1/structures", { body, headers: withKey(key) });
    const second = await call("POST", "/v1/structures", { body, headers: withKey(key) });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    // Without the key, the same body is a second creation: 409, the code is taken.
    expect((await call("POST", "/v1/structures", { body })).status).toBe(409);
  });

  it("a double click on an award records one decision and one label, both answers the same", async () => {
    const oc = await makeCertifier();
    const { code } = await makeStructure();
    await makeAssignment(code, oc.id);
    await makeInputs(code, oc.id, { on: addDays(today, -10) });
    const key = crypto.randomUUID();
    const decide = () =>
      call("POST", `/v1/structures/${code}/decisions`, {
        body: { decision: "award", decidedOn: today },
        headers: withKey(key),
      });
    const [a, b] = await Promise.all([decide(), decide()]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json).toEqual(a.json);
    const decisions = await sql("SELECT id FROM decisions WHERE structure_code = ?", code);
    const labels = await sql("SELECT number FROM labels WHERE structure_code = ?", code);
    expect(decisions).toHaveLength(1);
    expect(labels).toHaveLength(1);
  });

  it("the same key with another body → 422 naming the header, nothing written", async () => {
    const key = crypto.randomUUID();
    expect((await call("POST", "/v1/structures", { body: structurePayload(), headers: withKey(key) })).status).toBe(
      201,
    );
    const other = structurePayload();
    const r = await call("POST", "/v1/structures", { body: other, headers: withKey(key) });
    expect(r.status).toBe(422);
    expect(r.json.errors).toEqual([expect.objectContaining({ path: "Idempotency-Key" })]);
    expect((await call("GET", `/v1/structures/${other.code}`)).status).toBe(404);
  });

  it("a refused request frees its key: the corrected request runs under it", async () => {
    const key = crypto.randomUUID();
    const bad = structurePayload({ department: "00" });
    const refused = await call("POST", "/v1/structures", { body: bad, headers: withKey(key) });
    expect(refused.status).toBe(422);
    const fixed = await call("POST", "/v1/structures", { body: { ...bad, department: "01" }, headers: withKey(key) });
    expect(fixed.status).toBe(201);
  });

  it("keys are per caller: another key's same Idempotency-Key is its own request", async () => {
    const other = await call("POST", "/v1/api-keys", { body: { role: "admin", name: uniqueId("cle") } });
    expect(other.status).toBe(201);
    const key = crypto.randomUUID();
    const mine = await call("POST", "/v1/structures", { body: structurePayload(), headers: withKey(key) });
    const theirs = await call("POST", "/v1/structures", {
      token: other.json.apiKey,
      body: structurePayload(),
      headers: withKey(key),
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.json.code).not.toBe(mine.json.code);
    expect(theirs.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("a malformed key → 422; an unauthenticated request writes no claim", async () => {
    const r = await call("POST", "/v1/structures", { body: structurePayload(), headers: withKey("é".repeat(3)) });
    expect(r.status).toBe(422);
    expect(r.json.errors[0].path).toBe("Idempotency-Key");
    const before = (await sql("SELECT count(*) AS n FROM idempotency_keys"))[0]!.n;
    const anonymous = await call("POST", "/v1/structures", {
      token: null,
      body: structurePayload(),
      headers: withKey(crypto.randomUUID()),
    });
    expect(anonymous.status).toBe(401);
    expect((await sql("SELECT count(*) AS n FROM idempotency_keys"))[0]!.n).toBe(before);
  });

  it("a claim whose request never answered (the isolate died) is never run again under the key: 409", async () => {
    const key = crypto.randomUUID();
    const body = structurePayload();
    const first = await call("POST", "/v1/structures", { body, headers: withKey(key) });
    expect(first.status).toBe(201);
    // As if the answer had never been stored, two minutes ago.
    await sql(
      "UPDATE idempotency_keys SET status = NULL, body = NULL, created_at = ? WHERE key = ?",
      new Date(Date.now() - 120_000).toISOString(),
      key,
    );
    const r = await call("POST", "/v1/structures", { body, headers: withKey(key) });
    expect(r.status).toBe(409);
    expect(r.json.detail).toMatch(/never answered/);
  });

  it("the daily job forgets keys older than a day", async () => {
    const key = crypto.randomUUID();
    await call("POST", "/v1/structures", { body: structurePayload(), headers: withKey(key) });
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await sql("UPDATE idempotency_keys SET created_at = ? WHERE key = ?", old, key);
    await daily(today);
    expect(await sql("SELECT key FROM idempotency_keys WHERE key = ?", key)).toEqual([]);
  });
});
