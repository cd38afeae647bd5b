/**
 * The back-office (/admin) through the real Worker: who gets in (Cloudflare Access tokens verified with
 * the team's keys, the table of people; the dev sign-in only when configured), what each person may
 * see and do, forms refused from another origin, and every action landing through the API's own
 * functions with the signed-in person as its actor.
 */

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { disableUser } from "../src/db/backoffice-users";
import { getDb } from "../src/db/client";
import { config } from "../src/env";
import { outageD1 } from "../src/lib/d1-outage";
import { AUD, accessToken, forgerKey, grant, jwksFetches, office, serveAccessKeys, TEAM } from "./access";
import { auditEvent, makeAssignment, makeCertifier, makeStructure, structurePayload } from "./factories";
import { ADMIN, BASE, call, sql } from "./helpers";
import { deliver } from "./webhooks-helpers";

serveAccessKeys();

const ALICE = "alice@ditp.example";
await grant(ALICE);

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A body with one structure assigned, and a member of the body who may open its portal. */
async function bodyWithMember(name: string) {
  const body = await makeCertifier({ name, habilitation: { from: day(-400), until: day(800) } });
  const s = await makeStructure();
  await makeAssignment(s.code, body.id);
  const member = `qualite@${body.id}.example`;
  await grant(member, body.id);
  return { body, code: s.code, member };
}

const devEnv = (over: Record<string, unknown> = {}) =>
  ({
    ...env,
    ACCESS_TEAM_DOMAIN: undefined,
    ACCESS_AUD: undefined,
    BACKOFFICE_DEV_LOGIN: "on",
    ...over,
  }) as unknown as Env;

const h1 = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

describe("sign-in through Cloudflare Access", () => {
  it("no token: a French 401 page for a browser, a 401 problem for anything else; nothing of the back-office shown", async () => {
    const page = await office("GET", "/admin");
    expect(page.status).toBe(401);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(h1(page.text)).toBe("Authentification requise (401)");
    expect(page.text).not.toContain("Tableau de bord</h1>");
    expect(page.text).not.toContain('aria-label="Menu du back-office"');
    const api = await office("GET", "/admin/structures", { accept: "application/json" });
    expect(api.status).toBe(401);
    expect(api.headers.get("Content-Type")).toBe("application/problem+json");
    expect(JSON.parse(api.text)).toMatchObject({ code: "unauthorized", status: 401 });
  });

  it("a forged, expired, foreign or unsigned token: 401, whoever it names", async () => {
    const bad = {
      forged: await accessToken(ALICE, { key: await forgerKey() }),
      expired: await accessToken(ALICE, { expiresIn: -60 }),
      "other audience": await accessToken(ALICE, { claims: { aud: "another-application" } }),
      "other issuer": await accessToken(ALICE, { claims: { iss: "https://attacker.cloudflareaccess.com" } }),
      "not yet valid": await accessToken(ALICE, { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
      // alg "none": the header and claims of a real token, no signature.
      unsigned: `${btoa(JSON.stringify({ alg: "none", kid: "test-run-key" })).replace(/=+$/, "")}.${(await accessToken(ALICE)).split(".")[1]}.`,
      garbage: "not.a.token",
      "no e-mail (service token)": await accessToken(null, { claims: { common_name: "svc.access" } }),
      // A token without an expiry would open sessions forever: Access always sets one.
      "no expiry": await accessToken(ALICE, { claims: { exp: undefined } }),
    };
    for (const [what, token] of Object.entries(bad)) {
      const r = await office("GET", "/admin", { as: { token } });
      expect(r.status, what).toBe(401);
      expect(r.text, what).not.toContain("Labels en cours");
    }
    // The same request with a genuine token gets in.
    expect((await office("GET", "/admin", { as: ALICE })).status).toBe(200);
  });

  it("e-mails match ASCII-only: a token for \u212Aelvin@… (Kelvin sign) never opens kelvin@…'s session", async () => {
    await grant("kelvin@ditp.example");
    expect((await office("GET", "/admin", { as: "kelvin@ditp.example" })).status).toBe(200);
    expect((await office("GET", "/admin", { as: "KELVIN@DITP.EXAMPLE" })).status).toBe(200);
    // "\u212A".toLowerCase() is "k": Unicode folding would have matched the row of kelvin@.
    const r = await office("GET", "/admin", { as: "\u212Aelvin@ditp.example" });
    expect(r.status).toBe(403);
    expect(r.text).not.toContain("Labels en cours");
  });

  it("D1 down: a form answers 503 in French with Retry-After and records nothing; the dashboard shows readiness", async () => {
    const payload = structurePayload();
    const form = {
      code: payload.code,
      name: payload.name,
      network: payload.network,
      category: payload.category,
      postcode: "13001",
      city: "Marseille",
      department: "13",
      contact1_email: "a@b.example",
    };
    const r = await office("POST", "/admin/structures", { as: ALICE, form, env: { ...env, DB: outageD1() } as Env });
    expect(r.status).toBe(503);
    expect(r.headers.get("Retry-After")).toBe("30");
    expect(r.text).toContain("Registre momentanément indisponible");
    expect(r.text).toContain("Réessayez dans une minute");
    expect((await call("GET", `/v1/structures/${payload.code}`)).status).toBe(404);
    const home = await office("GET", "/admin", { as: ALICE });
    expect(home.text).toContain("État du registre");
    expect(home.text).toMatch(/id="etat-base"[^>]*>\s*Base de données : répond/);
  });

  it("a genuine token for an e-mail the table does not know, or no longer lets in: 403", async () => {
    const stranger = await office("GET", "/admin", { as: "stranger@elsewhere.example" });
    expect(stranger.status).toBe(403);
    expect(stranger.text).toContain("stranger@elsewhere.example n&#39;a pas accès au back-office");
    await grant("leaver@ditp.example");
    expect((await office("GET", "/admin", { as: "leaver@ditp.example" })).status).toBe(200);
    await disableUser(getDb(env.DB), "leaver@ditp.example", "admin:test");
    expect((await office("GET", "/admin", { as: "leaver@ditp.example" })).status).toBe(403);
    // Addresses are matched without regard to case, as identity providers spell them.
    expect((await office("GET", "/admin", { as: "Alice@DITP.example" })).status).toBe(200);
  });

  it("nothing else opens a session: the admin token or an API key as a bearer is a 401", async () => {
    const body = await makeCertifier();
    for (const token of [ADMIN, body.apiKey]) {
      const r = await office("GET", "/admin", { headers: { Authorization: `Bearer ${token}` } });
      expect(r.status).toBe(401);
    }
  });

  it("keeps the team's keys: many requests, one fetch of the JWKS", async () => {
    for (let i = 0; i < 5; i++) expect((await office("GET", "/admin", { as: ALICE })).status).toBe(200);
    expect(jwksFetches.count).toBe(1);
    expect(TEAM).toBe("https://spp-test.cloudflareaccess.com");
    expect(AUD).toBe("test-access-audience-tag");
  });

  it("the dev sign-in does not exist where Access is configured, and cannot be configured with it", async () => {
    expect((await office("GET", "/admin/login")).status).toBe(404);
    const post = await office("POST", "/admin/login", { form: { token: ADMIN } });
    expect(post.status).toBe(404);
    expect(post.headers.get("Set-Cookie")).toBeNull();
    expect(() => config({ ...env, BACKOFFICE_DEV_LOGIN: "on" } as unknown as Env)).toThrow(/BACKOFFICE_DEV_LOGIN=on/);
    expect(() => config({ ...env, ACCESS_AUD: undefined } as Env)).toThrow(/ACCESS_AUD/);
  });
});

describe("dev sign-in (BACKOFFICE_DEV_LOGIN=on, local dev only)", () => {
  it("no session: a browser is sent to /admin/login, anything else gets a 401 problem", async () => {
    const r = await office("GET", "/admin/structures", { env: devEnv() });
    expect(r.status).toBe(303);
    expect(r.headers.get("Location")).toBe("/admin/login?next=%2Fadmin%2Fstructures");
    const api = await office("GET", "/admin/structures", { env: devEnv(), accept: "application/json" });
    expect(api.status).toBe(401);
    // Neither way in configured: a 401 saying so.
    const none = await office("GET", "/admin", { env: devEnv({ BACKOFFICE_DEV_LOGIN: "off" }) });
    expect(none.status).toBe(401);
    expect(none.text).toContain("La connexion au back-office n&#39;est pas configurée");
  });

  it("the admin token opens a session in a strict, HttpOnly cookie limited to /admin; never to another site", async () => {
    const login = await office("POST", "/admin/login", {
      env: devEnv(),
      form: { token: ADMIN, next: "/admin/labels" },
    });
    expect(login.status).toBe(303);
    expect(login.headers.get("Location")).toBe("/admin/labels");
    const cookie = login.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^spp_backoffice_dev=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    const session = { Cookie: cookie.split(";")[0]! };
    const home = await office("GET", "/admin", { env: devEnv(), headers: session });
    expect(home.status).toBe(200);
    expect(home.text).toContain("jeton d&#39;administration");
    // The Access tokens count for nothing here: the dev cookie is the only way in.
    expect((await office("GET", "/admin", { env: devEnv(), as: ALICE })).status).toBe(303);
    for (const next of ["//evil.example/admin", "https://evil.example", "/admin/../../x", "/\\evil.example"]) {
      const r = await office("POST", "/admin/login", { env: devEnv(), form: { token: ADMIN, next } });
      expect(r.headers.get("Location"), next).toBe("/admin");
    }
    const out = await office("POST", "/admin/logout", { env: devEnv(), headers: session });
    expect(out.status).toBe(303);
    expect(out.headers.get("Set-Cookie")).toMatch(/spp_backoffice_dev=;.*Max-Age=0/);
  });

  it("a wrong token: 401 page, no cookie; a body's key opens its portal, until it is revoked", async () => {
    const wrong = await office("POST", "/admin/login", { env: devEnv(), form: { token: "spp_not_a_key" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("Set-Cookie")).toBeNull();
    const { body } = await bodyWithMember("Organisme dev");
    const login = await office("POST", "/admin/login", { env: devEnv(), form: { token: body.apiKey } });
    const session = { Cookie: login.headers.get("Set-Cookie")!.split(";")[0]! };
    const home = await office("GET", "/admin", { env: devEnv(), headers: session });
    expect(home.text).toContain("Organisme : Organisme dev");
    expect((await office("GET", "/admin/certifiers", { env: devEnv(), headers: session })).status).toBe(403);
    const keys = await call("GET", "/v1/api-keys?limit=200");
    const key = keys.json.items.find((k: { certifierId: string }) => k.certifierId === body.id);
    await call("POST", `/v1/api-keys/${key.id}/revoke`);
    const after = await office("GET", "/admin", { env: devEnv(), headers: session });
    expect(after.status).toBe(303);
  });
});

describe("what a body's member may see", () => {
  it("its own structures and deliveries only: another body's structure or delivery is a 403", async () => {
    const a = await bodyWithMember("Organisme A");
    const b = await bodyWithMember("Organisme B");
    const unassigned = await makeStructure();
    expect((await office("GET", `/admin/structures/${a.code}`, { as: a.member })).status).toBe(200);
    expect((await office("GET", `/admin/structures/${b.code}`, { as: a.member })).status).toBe(403);
    expect((await office("GET", `/admin/structures/${unassigned.code}`, { as: a.member })).status).toBe(403);
    const list = await office("GET", "/admin/structures", { as: a.member });
    expect(list.text).toContain(a.code);
    expect(list.text).not.toContain(b.code);
    expect(list.text).not.toContain(unassigned.code);

    const rejected = await deliver(b.body.id, { secret: b.body.webhookSecret, body: auditEvent("NOT-REGISTERED-B") });
    expect(rejected.status).toBe(422);
    const [{ id }] = (await sql<{ id: string }>("SELECT id FROM webhook_events WHERE certifier_id = ?", b.body.id)) as [
      { id: string },
    ];
    const inbox = await office("GET", `/admin/webhook-events?certifierId=${b.body.id}`, { as: a.member });
    expect(inbox.status).toBe(200);
    expect(inbox.text).not.toContain(id);
    expect((await office("GET", `/admin/webhook-events/${id}`, { as: a.member })).status).toBe(403);
    expect((await office("POST", `/admin/webhook-events/${id}/replay`, { as: a.member })).status).toBe(403);
    expect((await office("GET", `/admin/webhook-events/${id}`, { as: b.member })).status).toBe(200);
  });

  it("never the administration's pages or actions", async () => {
    const a = await bodyWithMember("Organisme C");
    for (const path of [
      "/admin/new-structure",
      "/admin/certifiers",
      "/admin/api-keys",
      "/admin/outbox",
      "/admin/referentials",
      "/admin/users",
      `/admin/structures/${a.code}/edit`,
    ]) {
      expect((await office("GET", path, { as: a.member })).status, path).toBe(403);
    }
    for (const path of [
      "/admin/structures",
      `/admin/structures/${a.code}`,
      `/admin/structures/${a.code}/certifier`,
      `/admin/structures/${a.code}/decisions`,
      "/admin/users",
    ]) {
      expect((await office("POST", path, { as: a.member, form: {} })).status, path).toBe(403);
    }
  });
});

describe("forms come from the back-office itself", () => {
  it("a form posted from another origin, or without saying where from, is a 403 and changes nothing", async () => {
    const payload = structurePayload();
    const form = {
      code: payload.code,
      name: payload.name,
      network: "Réseau",
      category: "eple",
      postcode: "13001",
      city: "Marseille",
      department: "13",
      contact1_email: "a@b.example",
    };
    const refusals: [string, Partial<Parameters<typeof office>[2]>][] = [
      ["another origin", { origin: "https://evil.example" }],
      ["an opaque origin", { origin: "null" }],
      ["no Origin, cross-site", { origin: null, headers: { "Sec-Fetch-Site": "cross-site" } }],
      ["no Origin, no Sec-Fetch-Site", { origin: null }],
      ["another port", { origin: `${BASE}:8443` }],
      // The request's own host is not the registry's (a rebinding name under `npm run dev`): PUBLIC_BASE_URL decides.
      ["the request's Host, not PUBLIC_BASE_URL", { origin: BASE }],
    ];
    for (const [what, o] of refusals) {
      const r = await office("POST", "/admin/structures", { as: ALICE, form, ...o });
      expect(r.status, what).toBe(403);
      expect(r.text, what).toContain("n&#39;a pas été envoyé depuis les pages du back-office");
    }
    expect((await call("GET", `/v1/structures/${payload.code}`)).status).toBe(404);
    // A browser that sends no Origin but says same-origin is let through.
    const ok = await office("POST", "/admin/structures", {
      as: ALICE,
      form,
      origin: null,
      headers: { "Sec-Fetch-Site": "same-origin" },
    });
    expect(ok.status).toBe(303);
    expect((await call("GET", `/v1/structures/${payload.code}`)).status).toBe(200);
  });
});

describe("actions go through the API's functions, in the signed-in person's name", () => {
  it("register, assign, evaluate from signed deliveries, award, suspend after confirmation: the public answers follow at once", async () => {
    const body = await makeCertifier({ name: "Organisme E2E", habilitation: { from: day(-400), until: day(800) } });
    const { code } = structurePayload();
    const created = await office("POST", "/admin/structures", {
      as: ALICE,
      form: {
        code,
        name: "Mairie du back-office",
        network: "Mairies",
        category: "collectivite_territoriale",
        postcode: "69001",
        city: "Lyon",
        department: "69",
        contact1_email: "qualite@mairie.example",
        contact1_role: "Référente",
      },
    });
    expect(created.status).toBe(303);
    expect(created.headers.get("Location")).toBe(`/admin/structures/${code}`);
    expect((await call("GET", `/v1/structures/${code}`)).json).toMatchObject({
      name: "Mairie du back-office",
      contacts: [{ email: "qualite@mairie.example", role: "Référente" }],
    });
    expect((await call("GET", `/v1/public/labels/${code}`, { token: null })).json).toMatchObject({ status: "none" });
    // The API's search: by name without accents or case, and the API's filters.
    const found = await office("GET", "/admin/structures?q=mairie+du+back&department=69&category=", { as: ALICE });
    expect(found.text).toContain(`/admin/structures/${code}"`);
    const elsewhere = await office("GET", "/admin/structures?q=mairie+du+back&department=13", { as: ALICE });
    expect(elsewhere.text).not.toContain(`/admin/structures/${code}"`);

    const assigned = await office("POST", `/admin/structures/${code}/certifier`, {
      as: ALICE,
      form: { certifierId: body.id, contractRef: "MARCHE-BO-1" },
    });
    expect(assigned.status).toBe(303);
    expect(
      await sql("SELECT certifier_id, contract_ref, actor FROM assignments WHERE structure_code = ?", code),
    ).toEqual([{ certifier_id: body.id, contract_ref: "MARCHE-BO-1", actor: `admin:${ALICE}` }]);

    let page = await office("GET", `/admin/structures/${code}`, { as: ALICE });
    expect(page.text).toContain("incomplète");
    const send = (type: string, data: Record<string, unknown>) =>
      deliver(body.id, { secret: body.webhookSecret, body: { type, timestamp: new Date().toISOString(), data } });
    expect(
      (
        await send("audit.completed", {
          structureCode: code,
          auditRef: "BO-A",
          kind: "initial",
          auditedOn: day(-20),
          engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 85 })),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await send("survey.users.completed", {
          structureCode: code,
          surveyRef: "BO-U",
          periodStart: day(-60),
          periodEnd: day(-20),
          invited: 1000,
          respondents: 300,
          satisfactionRate: 86,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await send("survey.agents.completed", {
          structureCode: code,
          surveyRef: "BO-G",
          periodStart: day(-60),
          periodEnd: day(-20),
          population: 100,
          respondents: 60,
          score: 81,
        })
      ).status,
    ).toBe(200);
    page = await office("GET", `/admin/structures/${code}`, { as: ALICE });
    expect(page.text).toContain("complète : un palier peut être proposé");
    expect(page.text).toMatch(/id="palier-propose">Or</);

    const award = await office("POST", `/admin/structures/${code}/decisions`, {
      as: ALICE,
      form: { decision: "award", tier: "", decidedOn: day(0), justification: "" },
    });
    expect(award.status).toBe(303);
    const [decision] = await sql<{ actor: string; label_number: string; tier: string }>(
      "SELECT actor, label_number, tier FROM decisions WHERE structure_code = ?",
      code,
    );
    expect(decision).toMatchObject({ actor: `admin:${ALICE}`, tier: "or" });
    const number = decision!.label_number;
    expect((await call("GET", `/v1/public/labels/${code}`, { token: null })).json).toMatchObject({
      status: "valid",
      tier: "or",
      labelNumber: number,
    });

    // Step 1: the reason; a missing one is refused on the page, nothing changes.
    const step1 = await office("GET", `/admin/labels/${number}/suspend`, { as: ALICE });
    expect(step1.status).toBe(200);
    expect(step1.text).toContain('id="form-motif"');
    const noReason = await office("POST", `/admin/labels/${number}/suspend`, {
      as: ALICE,
      form: { reason: "  ", effectiveOn: "" },
    });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('id="form-motif"');
    // Step 2: the confirmation page; still nothing changed.
    const reason = "Non-conformité majeure constatée lors du suivi";
    const step2 = await office("POST", `/admin/labels/${number}/suspend`, {
      as: ALICE,
      form: { reason, effectiveOn: "" },
    });
    expect(step2.status).toBe(200);
    expect(step2.text).toContain('id="form-confirmer"');
    expect((await call("GET", `/v1/labels/${number}`)).json.status).toBe("valid");
    // Confirmed: the verb runs, the history names the person, the public answers say « suspendu » at once.
    const done = await office("POST", `/admin/labels/${number}/suspend`, {
      as: ALICE,
      form: { reason, effectiveOn: "", confirm: "oui" },
    });
    expect(done.status).toBe(303);
    const events = (await call("GET", `/v1/labels/${number}/events`)).json.items;
    expect(events.at(-1)).toMatchObject({ type: "suspended", reason, actor: `admin:${ALICE}`, actorRole: "admin" });
    expect((await call("GET", `/v1/public/labels/${code}`, { token: null })).json).toMatchObject({
      valid: false,
      status: "suspended",
    });
    expect((await call("GET", `/badge/${code}.svg`, { token: null })).text).toContain("suspendu");
    // A suspension by the administration is lifted by the administration only: the body's signed event is refused.
    const lift = await send("label.reinstated", { labelNumber: number, reason: "Levée", effectiveOn: day(0) });
    expect(lift.status).toBe(403);
    // The same action twice: the second is refused (409) before any confirmation.
    expect((await office("GET", `/admin/labels/${number}/suspend`, { as: ALICE })).status).toBe(409);
  });

  it("a refused registration shows the form again with the reason by the field, the values kept; nothing is created", async () => {
    const r = await office("POST", "/admin/structures", {
      as: ALICE,
      form: {
        code: "BO-REFUSED-1",
        name: "Nom\u202Etrompeur",
        network: "R",
        category: "eple",
        postcode: "00000",
        city: "Lyon",
        department: "69",
        contact1_email: "pas-une-adresse",
      },
    });
    expect(r.status).toBe(422);
    expect(r.text).toContain('id="form-structure"');
    expect(r.text).toContain('value="BO-REFUSED-1"');
    // Each field by its French name, with a French sentence; the values as typed.
    for (const [field, sentence] of [
      ["Nom", "Ce texte contient un caractère refusé"],
      ["Code postal", "Un code postal français : 5 chiffres, de 01000 à 98999."],
      ["Contact 1 : adresse électronique", "Une adresse électronique telle que nom@domaine.fr."],
    ]) {
      expect(r.text).toContain(`<strong>${field}</strong> : ${sentence}`);
    }
    expect(r.text).toContain('value="pas-une-adresse"');
    expect(r.text).toContain('aria-describedby="f-postcode-erreur"');
    expect((await call("GET", "/v1/structures/BO-REFUSED-1")).status).toBe(404);
  });

  it("a body's member replays its rejected delivery once the structure is registered: the inbox names who replayed it", async () => {
    const { body, member } = await bodyWithMember("Organisme rejeu");
    const code = "BO-REPLAY-1";
    const r = await deliver(body.id, { secret: body.webhookSecret, body: auditEvent(code, { auditedOn: day(-5) }) });
    expect(r.status).toBe(422);
    const [row] = await sql<{ id: string }>(
      "SELECT id FROM webhook_events WHERE certifier_id = ? AND status = 'rejected'",
      body.id,
    );
    const list = await office("GET", "/admin/webhook-events?status=rejected", { as: member });
    expect(list.text).toContain(`/admin/webhook-events/${row!.id}`);
    expect(list.text).toContain(
      "La structure BO-REPLAY-1 n&#39;est pas enregistrée : enregistrez-la, puis rejouez la livraison.",
    );
    // Not fixed yet: replayed, rejected again (the page shows the new reason).
    expect((await office("POST", `/admin/webhook-events/${row!.id}/replay`, { as: member })).status).toBe(303);
    expect((await call("GET", `/v1/webhook-events/${row!.id}`)).json.status).toBe("rejected");
    // The administration registers and assigns the structure; the member replays it.
    await makeStructure({ code });
    await makeAssignment(code, body.id);
    const replay = await office("POST", `/admin/webhook-events/${row!.id}/replay`, { as: member });
    expect(replay.status).toBe(303);
    const after = (await call("GET", `/v1/webhook-events/${row!.id}`)).json;
    expect(after).toMatchObject({ status: "applied", replayedBy: `certifier:${body.id}:${member}` });
    expect((await sql("SELECT count(*) AS n FROM audits WHERE structure_code = ?", code))[0]).toEqual({ n: 1 });
    // Applied: nothing left to replay (409).
    expect((await office("POST", `/admin/webhook-events/${row!.id}/replay`, { as: member })).status).toBe(409);
  });

  it("registering a body shows its key and secret once, and they work; rotating with « revoke now » ends the old secret", async () => {
    const created = await office("POST", "/admin/certifiers", {
      as: ALICE,
      form: { name: "Organisme créé au back-office", contactEmail: "oc@bo.example", from: day(-10), until: day(700) },
    });
    expect(created.status).toBe(201);
    const apiKey = /id="cle-api">(spp_[^<]+)</.exec(created.text)![1]!;
    const secret = /id="secret-webhook">(whsec_[^<]+)</.exec(created.text)![1]!;
    const id = /\/v1\/webhooks\/certifiers\/(oc_\w+)/.exec(created.text)![1]!;
    const s = await makeStructure();
    await makeAssignment(s.code, id);
    expect((await call("GET", `/v1/structures/${s.code}/evaluation`, { token: apiKey })).status).toBe(200);
    expect((await deliver(id, { secret, body: auditEvent(s.code, { auditedOn: day(-1) }) })).status).toBe(200);
    // The body page never shows them again.
    const bodyPage = await office("GET", `/admin/certifiers/${id}`, { as: ALICE });
    expect(bodyPage.text).not.toContain(apiKey);
    expect(bodyPage.text).not.toContain(secret);
    const rotated = await office("POST", `/admin/certifiers/${id}/webhook-secrets`, {
      as: ALICE,
      form: { revokePrevious: "on" },
    });
    expect(rotated.status).toBe(201);
    const fresh = /id="secret-webhook">(whsec_[^<]+)</.exec(rotated.text)![1]!;
    expect((await deliver(id, { secret, body: auditEvent(s.code, { auditedOn: day(-1) }) })).status).toBe(401);
    expect((await deliver(id, { secret: fresh, body: auditEvent(s.code, { auditedOn: day(-1) }) })).status).toBe(200);
  });

  it("a failed e-mail is retried, by the API and the back-office alike; anything else is a 409", async () => {
    const insert = (id: string, status: string) =>
      sql(
        "INSERT INTO outbox (id, kind, recipients, subject, text, html, status, attempts, last_error, created_at, updated_at) VALUES (?, 'expiry', '[\"a@b.example\"]', 'Objet', 'Texte', '<p>Texte</p>', ?, 8, 'Brevo HTTP 400', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        id,
        status,
      );
    await insert("eml_bo_failed_api", "failed");
    await insert("eml_bo_failed_page", "failed");
    await insert("eml_bo_sent", "sent");
    const api = await call("POST", "/v1/outbox/eml_bo_failed_api/retry");
    expect(api.status).toBe(200);
    expect(api.json).toMatchObject({ status: "pending", attempts: 8, lastError: "Brevo HTTP 400" });
    expect((await call("POST", "/v1/outbox/eml_bo_failed_api/retry")).status).toBe(409);
    expect((await call("POST", "/v1/outbox/eml_bo_sent/retry")).status).toBe(409);
    expect((await call("POST", "/v1/outbox/eml_unknown/retry")).status).toBe(404);
    const page = await office("GET", "/admin/outbox/eml_bo_failed_page", { as: ALICE });
    expect(page.text).toContain('id="renvoyer"');
    expect((await office("POST", "/admin/outbox/eml_bo_failed_page/retry", { as: ALICE })).status).toBe(303);
    expect((await call("GET", "/v1/outbox/eml_bo_failed_page")).json.status).toBe("pending");
  });

  it("the administration gives and ends access; the last administrator stays", async () => {
    const { body } = await bodyWithMember("Organisme accès");
    const added = await office("POST", "/admin/users", {
      as: ALICE,
      form: { email: "New.Member@oc.example", certifierId: body.id },
    });
    expect(added.status).toBe(303);
    expect(
      await sql(
        "SELECT email, role, certifier_id, created_by FROM backoffice_users WHERE email = ?",
        "new.member@oc.example",
      ),
    ).toEqual([
      { email: "new.member@oc.example", role: "certifier", certifier_id: body.id, created_by: `admin:${ALICE}` },
    ]);
    expect((await office("GET", "/admin", { as: "new.member@oc.example" })).status).toBe(200);
    const off = await office("POST", `/admin/users/${encodeURIComponent("new.member@oc.example")}/disable`, {
      as: ALICE,
    });
    expect(off.status).toBe(303);
    expect((await office("GET", "/admin", { as: "new.member@oc.example" })).status).toBe(403);
    const refused = await office("POST", "/admin/users", { as: ALICE, form: { email: "pas une adresse" } });
    expect(refused.status).toBe(422);
    // Every other admin disabled, ALICE is the last one: she cannot disable herself.
    const admins = await sql<{ email: string }>(
      "SELECT email FROM backoffice_users WHERE role = 'admin' AND disabled_at IS NULL AND email <> ?",
      ALICE,
    );
    for (const a of admins) await disableUser(getDb(env.DB), a.email, "admin:test");
    const last = await office("POST", `/admin/users/${encodeURIComponent(ALICE)}/disable`, { as: ALICE });
    expect(last.status).toBe(409);
    expect(last.text).toContain("est le dernier administrateur du back-office");
    expect((await office("GET", "/admin", { as: ALICE })).status).toBe(200);
  });
});

describe("a form sent twice is carried out once (Idempotency-Key)", () => {
  it("every form that changes something carries a key drawn with the page", async () => {
    const { code } = await bodyWithMember("Organisme Double Clic");
    const page = await office("GET", `/admin/structures/${code}`, { as: ALICE });
    const forms = page.text.match(/<form method="post"[^>]*>/g) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    const keys = page.text.match(/name="idempotencyKey" value="([0-9a-f-]{36})"/g) ?? [];
    expect(keys.length).toBe(forms.filter((f) => !f.includes("/admin/logout")).length);
  });

  it("a double click on « Enregistrer la décision » records one decision and one label, both answers the same", async () => {
    const { body, code } = await bodyWithMember("Organisme Deux Clics");
    const { makeInputs } = await import("./factories");
    await makeInputs(code, body.id, { on: day(-10) });
    const form = {
      decision: "award",
      tier: "",
      decidedOn: day(0),
      justification: "",
      idempotencyKey: crypto.randomUUID(),
    };
    const [a, b] = await Promise.all([
      office("POST", `/admin/structures/${code}/decisions`, { as: ALICE, form }),
      office("POST", `/admin/structures/${code}/decisions`, { as: ALICE, form }),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(b.headers.get("Location")).toBe(a.headers.get("Location"));
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toHaveLength(1);
    expect(await sql("SELECT number FROM labels WHERE structure_code = ?", code)).toHaveLength(1);
    // Without the key (an older page), the second is a decision of its own: a renewal.
    const { idempotencyKey: _, ...bare } = form;
    expect((await office("POST", `/admin/structures/${code}/decisions`, { as: ALICE, form: bare })).status).toBe(303);
    expect(await sql("SELECT id FROM decisions WHERE structure_code = ?", code)).toHaveLength(2);
  });
});

describe("the pages themselves", () => {
  it("every page is private (no-store) and strict (CSP without script); errors too", async () => {
    const { body, code } = await bodyWithMember("Organisme pages");
    const paths = [
      "/admin",
      "/admin/structures",
      `/admin/structures/${code}`,
      "/admin/new-structure",
      `/admin/structures/${code}/edit`,
      "/admin/labels?status=valid",
      "/admin/certifiers",
      `/admin/certifiers/${body.id}`,
      "/admin/certifiers/new",
      "/admin/api-keys",
      "/admin/webhook-events",
      "/admin/outbox",
      "/admin/referentials",
      "/admin/referentials/2023-illustratif",
      "/admin/users",
    ];
    for (const path of [...paths, "/admin/no-such-page"]) {
      const r = await office("GET", path, { as: ALICE });
      expect(r.status, path).toBe(path.endsWith("no-such-page") ? 404 : 200);
      expect(r.headers.get("Cache-Control"), path).toBe("no-store");
      expect(r.headers.get("Content-Security-Policy"), path).toMatch(/default-src 'none'/);
      expect(r.headers.get("Content-Security-Policy"), path).not.toMatch(/script-src/);
      expect(r.headers.get("X-Frame-Options"), path).toBe("DENY");
      expect(r.text, path).toMatch(/^<!doctype html><html lang="fr"/);
    }
    expect((await office("GET", "/admin/no-such-page")).headers.get("Cache-Control")).toBe("no-store");
  });

  it("every Code SP+ has its page, « new » included (the registration form lives elsewhere)", async () => {
    await makeStructure({ code: "new", name: "Structure au code new" });
    const r = await office("GET", "/admin/structures/new", { as: ALICE });
    expect(r.status).toBe(200);
    expect(h1(r.text)).toBe("Structure au code new");
  });

  it("a path asked with a method it does not answer: 405 naming those it does", async () => {
    const r = await office("DELETE", "/admin/structures", { as: ALICE });
    expect(r.status).toBe(405);
    expect(r.headers.get("Allow")).toBe("GET, HEAD, POST");
    expect(h1(r.text)).toBe("Méthode non permise (405)");
  });
});
