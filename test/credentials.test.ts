import { describe, expect, it } from "vitest";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { fullInputs } from "./fixtures";
import { assign, call, createCertifier, createStructure } from "./helpers";

const today = todayUtc();

async function awardedLabel() {
  const oc = await createCertifier();
  const { code } = await createStructure();
  await assign(code, oc.id);
  await fullInputs(code, oc.id, addDays(today, -10));
  const r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: today } });
  if (r.status !== 201) throw new Error(`award: ${r.status} ${r.text}`);
  return { code, number: r.json.label.number as string, oc };
}

describe("smoke", () => {
  it("signs", async () => {
    const { number } = await awardedLabel();
    const r = await call("GET", `/v1/public/labels/${number}/credential`);
    console.log(r.status, r.text.slice(0, 3000));
    const v = await call("POST", "/v1/public/credentials/verify", { body: r.json ?? JSON.parse(r.text) });
    console.log(v.status, v.text);
  });
});
