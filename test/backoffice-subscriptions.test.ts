/**
 * Subscriptions in the back-office (administration only): the same functions as /v1/subscriptions,
 * checked through the API — create (the secret shown once), a refused form in French, disable and
 * enable, a new secret, the delivery log and re-delivery.
 */
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { grant, office, serveAccessKeys } from "./access";
import { makeAssignment, makeCertifier, makeInputs, makeStructure } from "./factories";
import { call } from "./helpers";

const network = serveAccessKeys();
const ADMIN = "abonnements@ditp.example";
await grant(ADMIN);
const today = new Date().toISOString().slice(0, 10);

async function until(check: () => Promise<boolean>, ms = 15_000) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("subscriptions in the back-office", () => {
  it("create (secret once), refuse in French, disable, enable, new secret, delivery log, re-deliver", async () => {
    const url = "https://portail-abonne.example/hooks/spp";
    let answered = 0;
    network.use(
      http.post(url, () => {
        answered++;
        return new HttpResponse("indisponible", { status: 503 });
      }),
    );
    const oc = await makeCertifier();
    const s = await makeStructure();
    await makeAssignment(s.code, oc.id);

    // A refused form: French, next to the field, values kept; nothing created.
    const before = (await call("GET", "/v1/subscriptions?limit=200")).json.items.length;
    const refused = await office("POST", "/admin/subscriptions", {
      as: ADMIN,
      form: { name: "Portail", contactEmail: "veille@portail.example", url: "https://10.0.0.1/hook", watchKind: "all" },
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("Un nom de domaine, pas une adresse IP.");
    expect(refused.text).toContain('value="https://10.0.0.1/hook"');
    expect((await call("GET", "/v1/subscriptions?limit=200")).json.items.length).toBe(before);

    const created = await office("POST", "/admin/subscriptions", {
      as: ADMIN,
      form: {
        name: "Portail abonné",
        contactEmail: "veille@portail.example",
        url,
        watchKind: "structureCode",
        watchValue: s.code,
      },
    });
    expect(created.status).toBe(201);
    const secret = /id="secret-abonnement">(whsec_[^<]+)</.exec(created.text)![1]!;
    const id = /href="\/admin\/subscriptions\/(sub_\w+)"/.exec(created.text)![1]!;
    const api = (await call("GET", `/v1/subscriptions/${id}`)).json;
    expect(api).toMatchObject({ name: "Portail abonné", url, watch: { structureCode: s.code }, status: "active" });
    // Shown once: never on the subscription's page or the list.
    const pageText = (await office("GET", `/admin/subscriptions/${id}`, { as: ADMIN })).text;
    expect(pageText).not.toContain(secret);
    expect(pageText).toContain("Aucune remise.");
    const list = await office("GET", "/admin/subscriptions", { as: ADMIN });
    expect(list.text).toContain(`la structure ${s.code}`);
    expect(list.text).not.toContain(secret);

    // An award notifies the subscriber; the log shows it, failing, with the other side's answer.
    await makeInputs(s.code, oc.id, { on: today });
    const award = await call("POST", `/v1/structures/${s.code}/decisions`, {
      body: { decision: "award", decidedOn: today },
    });
    expect(award.status).toBe(201);
    await until(async () => answered > 0);
    const deliveries = (await call("GET", `/v1/subscriptions/${id}/deliveries`)).json.items;
    expect(deliveries).toHaveLength(1);
    const log = await office("GET", `/admin/subscriptions/${id}`, { as: ADMIN });
    expect(log.text).toContain("Attribution (<code>label.awarded</code>)");
    expect(log.text).toContain(award.json.label.number);

    // Re-deliver: back to pending through the API's function.
    const again = await office("POST", `/admin/subscriptions/${id}/deliveries/${deliveries[0].id}/redeliver`, {
      as: ADMIN,
      form: {},
    });
    expect(again.status).toBe(303);
    await until(async () => answered > 1);

    // A new secret, shown once, different; revoking the previous ones at once.
    const rotated = await office("POST", `/admin/subscriptions/${id}/secrets`, {
      as: ADMIN,
      form: { revokePrevious: "on" },
    });
    expect(rotated.status).toBe(201);
    const second = /id="secret-abonnement">(whsec_[^<]+)</.exec(rotated.text)![1]!;
    expect(second).not.toBe(secret);

    // Disable, then enable: the API sees each, the page says why in French.
    expect(
      (await office("POST", `/admin/subscriptions/${id}/status`, { as: ADMIN, form: { status: "disabled" } })).status,
    ).toBe(303);
    expect((await call("GET", `/v1/subscriptions/${id}`)).json.status).toBe("disabled");
    const disabled = await office("GET", `/admin/subscriptions/${id}`, { as: ADMIN });
    expect(disabled.text).toContain("Désactivé par un administrateur.");
    // Re-delivering to a disabled subscription: refused (409), in French.
    const refusedAgain = await office("POST", `/admin/subscriptions/${id}/deliveries/${deliveries[0].id}/redeliver`, {
      as: ADMIN,
      form: {},
    });
    expect(refusedAgain.status).toBe(409);
    expect(refusedAgain.text).toContain("est désactivé : réactivez-le d&#39;abord.");
    expect(
      (await office("POST", `/admin/subscriptions/${id}/status`, { as: ADMIN, form: { status: "active" } })).status,
    ).toBe(303);
    expect((await call("GET", `/v1/subscriptions/${id}`)).json.status).toBe("active");
    await office("POST", `/admin/subscriptions/${id}/status`, { as: ADMIN, form: { status: "disabled" } });
  });

  it("is the administration's only: a body's member gets a 403", async () => {
    const oc = await makeCertifier();
    const member = `membre@${oc.id}.example`;
    await grant(member, oc.id);
    expect((await office("GET", "/admin/subscriptions", { as: member })).status).toBe(403);
  });
});
