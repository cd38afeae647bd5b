/**
 * Every label is a verifiable credential (Open Badges 3.0, `eddsa-rdfc-2022`) with W3C Bitstring status
 * lists: signed by the effects of the change, served as stored, verified with the registry's own
 * verification code (src/credentials/verify.ts) fed over HTTP — the DID document and the status lists
 * re-fetched through the Worker, as any verifier would.
 */
import { env } from "cloudflare:test";
import { decodeList } from "@digitalbazaar/vc-bitstring-status-list";
import Ajv2019 from "ajv/dist/2019";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import backfill from "../migrations/0012_backfill_credential_intents.sql?raw";
import { runDueEffects } from "../src/changes/effects";
import { publicChangeStatements } from "../src/changes/public-change";
import { issuerKeys } from "../src/credentials/keys";
import { didDocumentFetcher, documentLoader } from "../src/credentials/loader";
import { STATUS_LIST_LENGTH } from "../src/credentials/model";
import { sign } from "../src/credentials/sign";
import { checkCredential } from "../src/credentials/verify";
import { getDb } from "../src/db/client";
import { addDays, todayUtc } from "../src/domain/label-dates";
import { makeAssignment, makeCertifier, makeInputs, makeLabel, makeLegacyLabel, makeStructure } from "./factories";
import { call } from "./helpers";
import schema from "./vendor/open-badges-3.0/achievement-credential.schema.json";

const today = todayUtc();
const ORIGIN = env.PUBLIC_BASE_URL; // what the credentials name (http://localhost:8787 in tests)
const DID = "did:web:localhost%3A8787";
/** Another Ed25519 seed: the key after a rotation, or a forger's. */
const OTHER_SEED = "HBSxncbqGP8eqk8z-Twzf8VljkP3GE67Al-FOn3BKj0";

type Json = Record<string, any>;

async function awardedLabel() {
  const oc = await makeCertifier();
  const { code } = await makeStructure();
  await makeAssignment(code, oc.id);
  await makeInputs(code, oc.id, { on: addDays(today, -10) });
  const r = await call("POST", `/v1/structures/${code}/decisions`, { body: { decision: "award", decidedOn: today } });
  if (r.status !== 201) throw new Error(`award: ${r.status} ${r.text}`);
  return { code, number: r.json.label.number as string, oc };
}

/** A request to the Worker, with another configuration if given (a rotated key). */
const request = (method: string, path: string, opts: { body?: unknown; env?: Env; accept?: string } = {}) =>
  call(method, path, { body: opts.body, env: opts.env, headers: { Accept: opts.accept ?? "application/json" } });

const credentialOf = async (ref: string, opts: { env?: Env } = {}) => {
  const r = await request("GET", `/v1/public/labels/${ref}/credential`, opts);
  expect(r.status, r.text).toBe(200);
  return r.json!;
};

/** What a verifier without the registry's database has: its DID document and status lists, over HTTP. */
async function httpLoader(opts: { env?: Env } = {}) {
  const did = (await request("GET", "/.well-known/did.json", opts)).json!;
  return documentLoader(didDocumentFetcher(did as never), async (url) => {
    if (!url.startsWith(`${ORIGIN}/status/`)) return null;
    const r = await request("GET", url.slice(ORIGIN.length), opts);
    return r.status === 200 ? r.json : null;
  });
}

const verifyOverHttp = async (credential: Json, opts: { env?: Env; now?: Date } = {}) =>
  checkCredential(credential, { did: DID, documentLoader: await httpLoader(opts), now: opts.now ?? new Date() });

/** The bit of a credential's entry in its re-fetched list (whose own proof is checked first). */
async function bit(credential: Json, purpose: "revocation" | "suspension") {
  const entry = credential.credentialStatus.find((s: Json) => s.statusPurpose === purpose);
  const list = (await request("GET", new URL(entry.statusListCredential).pathname)).json!;
  const listCheck = await checkCredential(list, {
    did: DID,
    documentLoader: await httpLoader(),
    now: new Date(),
  });
  expect(listCheck.proofValid, listCheck.reason).toBe(true);
  return (await decodeList({ encodedList: list.credentialSubject.encodedList })).getStatus(
    Number(entry.statusListIndex),
  );
}

const label = (number: string, action: string) =>
  call("POST", `/v1/labels/${number}/${action}`, { body: { reason: "Contrôle de suivi" } });

describe("a label's credential", () => {
  it("is an OpenBadgeCredential signed with eddsa-rdfc-2022 that verifies, and validates against the OB 3.0 schema", async () => {
    const { code, number } = await awardedLabel();
    const vc = await credentialOf(number);
    expect(vc).toMatchObject({
      "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
      ],
      id: `${ORIGIN}/v1/public/labels/${number}/credential`,
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: { id: DID, type: ["Profile"] },
      credentialSubject: {
        licenseNumber: number,
        identifier: [
          { identityType: "identifier", identityHash: code },
          { identityType: "ext:structureName", identityHash: expect.stringContaining("Structure de test") },
        ],
        achievement: {
          id: "urn:services-publics-plus:referentiel:2023-illustratif:palier:argent",
          type: ["Achievement"],
          name: "Label « Services Publics + » — palier Argent",
          version: "2023-illustratif",
          criteria: { narrative: expect.stringContaining("non officiel") },
        },
      },
      credentialSchema: [{ type: "JsonSchema" }],
      proof: { type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", proofPurpose: "assertionMethod" },
    });
    expect(vc.proof.verificationMethod).toMatch(new RegExp(`^${DID}#z6Mk`));
    // The award day and the last valid day, in France (winter: UTC+1; summer: UTC+2).
    expect(new Date(vc.validFrom).toLocaleString("sv", { timeZone: "Europe/Paris" })).toBe(`${today} 00:00:00`);
    const last = (await call("GET", `/v1/labels/${number}`)).json.expiresOn;
    expect(new Date(vc.validUntil).toLocaleString("sv", { timeZone: "Europe/Paris" })).toBe(`${last} 23:59:59`);
    // One entry per purpose, each with its id, at the same random index of the year's lists.
    const [rev, sus] = vc.credentialStatus;
    expect(rev).toMatchObject({ type: "BitstringStatusListEntry", statusPurpose: "revocation" });
    expect(sus).toMatchObject({ type: "BitstringStatusListEntry", statusPurpose: "suspension" });
    expect(rev.statusListCredential).toBe(`${ORIGIN}/status/revocation/${number.slice(4, 8)}`);
    expect(rev.id).toBe(`${rev.statusListCredential}#${rev.statusListIndex}`);
    expect(sus.statusListIndex).toBe(rev.statusListIndex);

    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(vc), JSON.stringify(validate.errors)).toBe(true);

    // Round trip: the registry's verification, fed over HTTP, and the public endpoint agree.
    expect(await verifyOverHttp(vc)).toEqual({
      verified: true,
      proofValid: true,
      issuedHere: true,
      status: "valid",
      reason: expect.any(String),
      labelNumber: number,
    });
    const r = await call("POST", "/v1/public/credentials/verify", { token: null, body: vc });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ verified: true, proofValid: true, issuedHere: true, status: "valid" });
  });

  it("is served as stored: application/vc, the same JSON on Accept: application/json, cached, canonical", async () => {
    const { code, number } = await awardedLabel();
    const vc = await request("GET", `/v1/public/labels/${number}/credential`, { accept: "application/vc" });
    expect(vc.headers.get("Content-Type")).toBe("application/vc");
    expect(vc.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(vc.headers.get("Cache-Tag")).toBe(`spp-code-${code},spp-label-${number}`);
    const again = await request("GET", `/v1/public/labels/${number}/credential`);
    expect(again.headers.get("Content-Type")).toBe("application/json");
    expect(again.headers.get("X-Cache")).toBe("HIT");
    expect(again.text).toBe(vc.text);
    // Never signed per request: the same proof every time.
    expect(again.json!.proof.proofValue).toBe(vc.json!.proof.proofValue);
    // By Code SP+: the structure's current label; another spelling redirects.
    expect((await credentialOf(code)).id).toBe(vc.json!.id);
    const lower = await request("GET", `/v1/public/labels/${number.toLowerCase()}/credential`);
    expect(lower.status).toBe(301);
    expect(lower.headers.get("Location")).toBe(`/v1/public/labels/${number}/credential`);
    // A structure without a label, an unknown one: 404.
    const bare = await makeStructure();
    expect((await request("GET", `/v1/public/labels/${bare.code}/credential`)).status).toBe(404);
    expect((await request("GET", "/v1/public/labels/SPP-2026-999999/credential")).status).toBe(404);
  });

  it("is signed again, and purged, when what it says changes (the structure renamed); not when nothing changed", async () => {
    const { code, number } = await awardedLabel();
    const before = await credentialOf(number);
    await credentialOf(number); // now cached
    // A status change does not change what the credential says: the same signature.
    expect((await label(number, "suspend")).status).toBe(200);
    expect((await label(number, "reinstate")).status).toBe(200);
    expect((await credentialOf(number)).proof.proofValue).toBe(before.proof.proofValue);
    // A new name does.
    expect((await call("PATCH", `/v1/structures/${code}`, { body: { name: "Nouveau nom" } })).status).toBe(200);
    const after = await request("GET", `/v1/public/labels/${number}/credential`);
    expect(after.headers.get("X-Cache")).toBe("MISS");
    expect(after.json!.credentialSubject.identifier[1].identityHash).toBe("Nouveau nom");
    expect(after.json!.credentialStatus).toEqual(before.credentialStatus);
    expect((await verifyOverHttp(after.json!)).verified).toBe(true);
  });

  it("fails when tampered with, signed with a wrong key, or issued by someone else", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);

    const tampered = { ...vc, validUntil: "2099-12-31T22:59:59Z" };
    expect(await verifyOverHttp(tampered)).toMatchObject({ verified: false, proofValid: false, issuedHere: true });

    // Signed with another key, under the registry's name: that key is not in its DID document.
    const forger = await issuerKeys({ ...env, CREDENTIAL_SIGNING_KEY: OTHER_SEED } as Env);
    const { proof: _, ...unsigned } = vc;
    const forged = (await sign(unsigned, forger)) as Json;
    expect(await verifyOverHttp(forged)).toMatchObject({ verified: false, proofValid: false, issuedHere: true });
    // …or with the registry's key id on the forger's signature.
    const borrowed = { ...forged, proof: { ...forged.proof, verificationMethod: vc.proof.verificationMethod } };
    expect(await verifyOverHttp(borrowed)).toMatchObject({ verified: false, proofValid: false });

    // Another issuer: not checked here, and said so.
    const elsewhere = { ...vc, issuer: { ...vc.issuer, id: "did:web:elsewhere.example" } };
    const r = await call("POST", "/v1/public/credentials/verify", { token: null, body: elsewhere });
    expect(r.json).toMatchObject({ verified: false, issuedHere: false, proofValid: false, status: "unknown" });
    expect(r.json.reason).toContain("did:web:elsewhere.example");
  });

  it("verifies as expired past its last day, its proof still valid", async () => {
    const { number } = await makeLabel({ awardedOn: "2020-01-15" }); // its last day: 2023-01-14
    const vc = await credentialOf(number);
    expect(await verifyOverHttp(vc)).toMatchObject({
      verified: false,
      proofValid: true,
      issuedHere: true,
      status: "expired",
      reason: "Its validity ended at 2023-01-14T22:59:59Z",
    });
  });
});

const deps = (over: Partial<Env> = {}) => ({
  db: getDb(env.DB),
  env: { ...env, ...over } as Env,
  waitUntil: () => {},
});

describe("status lists", () => {
  it("suspend sets the suspension bit in the re-fetched, re-verified list; reinstate clears it; withdraw revokes", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    expect(await bit(vc, "suspension")).toBe(false);

    expect((await label(number, "suspend")).status).toBe(200);
    expect(await bit(vc, "suspension")).toBe(true);
    expect(await verifyOverHttp(vc)).toMatchObject({ verified: false, proofValid: true, status: "suspended" });
    const r = await call("POST", "/v1/public/credentials/verify", { token: null, body: vc });
    expect(r.json).toMatchObject({ verified: false, proofValid: true, status: "suspended" });

    expect((await label(number, "reinstate")).status).toBe(200);
    expect(await bit(vc, "suspension")).toBe(false);
    expect((await verifyOverHttp(vc)).status).toBe("valid");

    expect((await label(number, "withdraw")).status).toBe(200);
    expect(await bit(vc, "revocation")).toBe(true);
    expect(await bit(vc, "suspension")).toBe(false);
    expect(await verifyOverHttp(vc)).toMatchObject({ verified: false, status: "revoked" });
  });

  it("holds 131,072 entries, GZIP + base64url multibase, cached for its ttl, each label at its own index", async () => {
    const a = await awardedLabel();
    const b = await awardedLabel();
    const [va, vb] = [await credentialOf(a.number), await credentialOf(b.number)];
    expect(va.credentialStatus[0].statusListIndex).not.toBe(vb.credentialStatus[0].statusListIndex);
    const path = new URL(va.credentialStatus[1].statusListCredential).pathname;
    const list = await request("GET", path, { accept: "application/vc" });
    expect(list.headers.get("Content-Type")).toBe("application/vc");
    expect(list.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(list.headers.get("Cache-Tag")).toBe(`spp-status-suspension-${a.number.slice(4, 8)}`);
    expect(list.json).toMatchObject({
      type: ["VerifiableCredential", "BitstringStatusListCredential"],
      issuer: DID,
      credentialSubject: { type: "BitstringStatusList", statusPurpose: "suspension", ttl: 300_000 },
      proof: { cryptosuite: "eddsa-rdfc-2022" },
    });
    expect(list.json!.credentialSubject.encodedList).toMatch(/^uH4sI/); // multibase base64url of a GZIP stream
    expect((await decodeList({ encodedList: list.json!.credentialSubject.encodedList })).bitstring.length).toBe(
      STATUS_LIST_LENGTH,
    );
    expect((await request("GET", path)).headers.get("X-Cache")).toBe("HIT");
    expect((await request("GET", "/status/revocation/1999")).status).toBe(404);
    expect((await request("GET", "/status/other/2026")).status).toBe(422);
  });

  it("a burst of changes to one list leaves one pending re-signing per list", async () => {
    const db = getDb(env.DB);
    const year = today.slice(0, 4);
    const awarded = [await awardedLabel(), await awardedLabel(), await awardedLabel()];
    for (const { code, number } of awarded) {
      const [first, ...rest] = publicChangeStatements(db, { structureCode: code, labelNumbers: [number] });
      await db.batch([first!, ...rest]);
    }
    const { results } = await env.DB.prepare(
      "SELECT subject FROM effects WHERE kind = 'status-list' AND status = 'pending' ORDER BY subject",
    ).all<{ subject: string }>();
    expect(results.map((r) => r.subject)).toEqual([`revocation/${year}`, `suspension/${year}`]);
    await runDueEffects(deps(), new Date());
  });
});

describe("issuer and keys", () => {
  it("publishes a did:web document with its Multikey and an OB 3.0 issuer profile", async () => {
    const did = await request("GET", "/.well-known/did.json");
    expect(did.status).toBe(200);
    expect(did.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(did.json).toMatchObject({
      id: DID,
      assertionMethod: [expect.stringMatching(/^did:web:localhost%3A8787#z6Mk/)],
    });
    expect(did.json!.verificationMethod[0]).toMatchObject({ type: "Multikey", controller: DID });
    const profile = await request("GET", "/v1/public/issuer");
    expect(profile.json).toMatchObject({ id: DID, type: ["Profile"], url: ORIGIN });
  });

  it("after a rotation: old credentials keep verifying, new ones use the new key; an unlisted old key fails", async () => {
    const { number } = await awardedLabel();
    const old = await credentialOf(number);
    const oldKey = old.proof.verificationMethod.split("#")[1];
    const rotated = { ...env, CREDENTIAL_SIGNING_KEY: OTHER_SEED, CREDENTIAL_RETIRED_KEYS: oldKey } as Env;

    const doc = (await request("GET", "/.well-known/did.json", { env: rotated })).json!;
    expect(doc.assertionMethod).toHaveLength(2);
    expect(doc.assertionMethod[1]).toBe(`${DID}#${oldKey}`);
    expect(await verifyOverHttp(old, { env: rotated })).toMatchObject({ verified: true, status: "valid" });
    const r = await request("POST", "/v1/public/credentials/verify", { body: old, env: rotated });
    expect(r.json).toMatchObject({ verified: true });

    // A label awarded after the rotation is signed with the new key, and verifies.
    const oc = await makeCertifier();
    const { code } = await makeStructure();
    await makeAssignment(code, oc.id);
    await makeInputs(code, oc.id, { on: addDays(today, -10) });
    const award = await request("POST", `/v1/structures/${code}/decisions`, {
      body: { decision: "award", decidedOn: today },
      env: rotated,
    });
    expect(award.status).toBe(201);
    const fresh = await credentialOf(award.json!.label.number, { env: rotated });
    expect(fresh.proof.verificationMethod).toBe(doc.assertionMethod[0]);
    expect(await verifyOverHttp(fresh, { env: rotated })).toMatchObject({ verified: true });

    // A compromised key is not listed: what it signed no longer verifies…
    const compromised = { ...env, CREDENTIAL_SIGNING_KEY: OTHER_SEED } as Env;
    expect(await verifyOverHttp(old, { env: compromised })).toMatchObject({ verified: false, proofValid: false });
    // …until the operator queues everything again (docs/operators.md « Compromise »): signed anew, lists too.
    await env.DB.prepare(backfill).run();
    await env.DB.prepare(
      `INSERT INTO effects (id, kind, subject, status, attempts, next_attempt_at, created_at)
       SELECT 'eff_' || lower(hex(randomblob(10))), 'status-list', purpose || '/' || list, 'pending', 0, ?1, ?1
       FROM status_lists WHERE true ON CONFLICT (kind, subject) WHERE status = 'pending' DO NOTHING`,
    )
      .bind(new Date().toISOString())
      .run();
    for (let run = 0; run < 5; run++) await runDueEffects(deps(compromised), new Date());
    const resigned = await credentialOf(number, { env: compromised });
    expect(resigned.proof.verificationMethod).toBe(doc.assertionMethod[0]);
    expect(resigned.credentialStatus).toEqual(old.credentialStatus);
    expect(await verifyOverHttp(resigned, { env: compromised })).toMatchObject({ verified: true, status: "valid" });
  });
});

describe("labels awarded before credentials existed", () => {
  it("get theirs from the minute cron, a suspended one with its bit set", async () => {
    const valid = (await makeLegacyLabel({ awardedOn: "2025-03-01" })).number;
    const suspended = (await makeLegacyLabel({ awardedOn: "2025-03-02", status: "suspended" })).number;
    expect((await request("GET", `/v1/public/labels/${valid}/credential`)).status).toBe(404);

    await env.DB.prepare(backfill).run();
    await runDueEffects(deps(), new Date()); // credentials, and the new lists
    await runDueEffects(deps(), new Date()); // the list the suspended newcomer changed
    expect((await verifyOverHttp(await credentialOf(valid))).status).toBe("valid");
    const vc = await credentialOf(suspended);
    expect(await bit(vc, "suspension")).toBe(true);
    expect((await verifyOverHttp(vc)).status).toBe("suspended");
  });
});

describe("POST /v1/public/credentials/verify", () => {
  it("answers about anything sent, and refuses what is too large to be a credential", async () => {
    const r = await call("POST", "/v1/public/credentials/verify", { token: null, body: { hello: "world" } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ verified: false, issuedHere: false, status: "unknown", labelNumber: null });
    const big = await call("POST", "/v1/public/credentials/verify", {
      token: null,
      body: { issuer: DID, filler: "x".repeat(70_000) },
    });
    expect(big.status).toBe(413);
    const notJson = await call("POST", "/v1/public/credentials/verify", { token: null, body: [1, 2] });
    expect(notJson.status).toBe(422);
  });
});

describe("the verification page", () => {
  it("offers « Télécharger l'attestation vérifiable » and says what it is", async () => {
    const { code, number } = await awardedLabel();
    const page = await call("GET", `/verify/${code}`, { token: null });
    expect(page.text).toContain("Télécharger l&#39;attestation vérifiable");
    expect(page.text).toContain(`href="${ORIGIN}/v1/public/labels/${number}/credential"`);
    expect(page.text).toContain("portefeuille numérique");
  });
});
