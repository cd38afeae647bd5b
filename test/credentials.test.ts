/**
 * Every label is a verifiable credential (Open Badges 3.0, `eddsa-rdfc-2022`) with W3C Bitstring status
 * lists: signed by the effects of the change, served as stored, verified with the registry's own
 * verification code (src/credentials/verify.ts) fed over HTTP — the DID document and the status lists
 * re-fetched through the Worker, as any verifier would.
 */
import { env } from "cloudflare:test";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { verifyCredential } from "@digitalbazaar/vc";
import { decodeList } from "@digitalbazaar/vc-bitstring-status-list";
import Ajv2019 from "ajv/dist/2019";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import backfill from "../migrations/0012_backfill_credential_intents.sql?raw";
import resign from "../migrations/0018_backfill_message_status.sql?raw";
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
import schema from "./vendor/openbadges/ob_v3p0_achievementcredential_schema.json";

const today = todayUtc();
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
/** 1EdTech's own OB 3.0 AchievementCredential schema (test/vendor/openbadges/SOURCE.md). */
const validateOb3 = ajv.compile(schema);
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

/** The registry's verification fed over HTTP: its DID document, and the label's public state. */
async function verifyOverHttp(credential: Json, opts: { env?: Env; now?: Date } = {}) {
  const did = (await request("GET", "/.well-known/did.json", opts)).json!;
  return checkCredential(credential, {
    did: DID,
    base: ORIGIN,
    publishedKeys: did.assertionMethod,
    documentLoader: await httpLoader(opts),
    labelState: async (number) => {
      const r = await request("GET", `/v1/public/labels/${number}`, opts);
      return r.status === 200 ? r.json!.status : null;
    },
    now: opts.now ?? new Date(),
  });
}

/** A list's proof, checked with the same libraries over HTTP. */
async function listProofVerifies(list: Json) {
  const r = await verifyCredential({
    credential: list,
    suite: new DataIntegrityProof({ cryptosuite }),
    documentLoader: await httpLoader(),
  });
  return r.verified;
}

/** The value of a credential's 2-bit entry in its re-fetched, re-verified message list (0 valid, 1, 2). */
async function statusValue(credential: Json) {
  const entry = credential.credentialStatus;
  const list = (await request("GET", new URL(entry.statusListCredential).pathname)).json!;
  expect(await listProofVerifies(list)).toBe(true);
  const bits = await decodeList({ encodedList: list.credentialSubject.encodedList });
  const i = Number(entry.statusListIndex) * entry.statusSize;
  return (Number(bits.getStatus(i)) << 1) | Number(bits.getStatus(i + 1));
}
const messageOf = async (credential: Json) =>
  credential.credentialStatus.statusMessage[await statusValue(credential)].message;

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
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        {
          statusSize: { "@id": "https://www.w3.org/ns/credentials/status#statusSize" },
          statusMessage: { "@id": "https://www.w3.org/ns/credentials/status#statusMessage" },
        },
      ],
      id: `${ORIGIN}/v1/public/labels/${number}/credential`,
      image: { id: `${ORIGIN}/badge/palier/argent.svg`, type: "Image" },
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: { id: DID, type: ["Profile"] },
      credentialSubject: {
        id: `${ORIGIN}/verify/${code}`,
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
          inLanguage: "fr",
          image: { id: `${ORIGIN}/badge/palier/argent.svg`, type: "Image" },
          criteria: { narrative: expect.stringContaining("non officiel") },
        },
      },
      credentialSchema: [{ type: "1EdTechJsonSchemaValidator2019" }],
      proof: [{ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", proofPurpose: "assertionMethod" }],
    });
    expect(vc.proof).toHaveLength(1);
    expect(vc.proof[0].verificationMethod).toMatch(new RegExp(`^${DID}#z6Mk`));
    // The award day and the last valid day, in France (winter: UTC+1; summer: UTC+2).
    expect(new Date(vc.validFrom).toLocaleString("sv", { timeZone: "Europe/Paris" })).toBe(`${today} 00:00:00`);
    const last = (await call("GET", `/v1/labels/${number}`)).json.expiresOn;
    expect(new Date(vc.validUntil).toLocaleString("sv", { timeZone: "Europe/Paris" })).toBe(`${last} 23:59:59`);
    // One entry: two bits of the year's message list at a random index, named by statusMessage.
    const entry = vc.credentialStatus;
    expect(entry).toEqual({
      id: `${ORIGIN}/status/message/${number.slice(4, 8)}#${entry.statusListIndex}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "message",
      statusListIndex: expect.stringMatching(/^\d+$/),
      statusSize: 2,
      statusMessage: [
        { status: "0x0", message: "valid" },
        { status: "0x1", message: "suspended" },
        { status: "0x2", message: "withdrawn" },
      ],
      statusListCredential: `${ORIGIN}/status/message/${number.slice(4, 8)}`,
    });
    expect(validateOb3(vc), JSON.stringify(validateOb3.errors)).toBe(true);
    // The tier's picture it names is served.
    const picture = await call("GET", "/badge/palier/argent.svg", { token: null });
    expect(picture.status).toBe(200);
    expect(picture.text).toContain("palier Argent");

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
    expect(again.json!.proof[0].proofValue).toBe(vc.json!.proof[0].proofValue);
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
    expect((await credentialOf(number)).proof[0].proofValue).toBe(before.proof[0].proofValue);
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
    const borrowed = { ...forged, proof: [{ ...forged.proof[0], verificationMethod: vc.proof[0].verificationMethod }] };
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
      reason: expect.stringContaining("term ended"),
    });
  });
});

const deps = (over: Partial<Env> = {}) => ({
  db: getDb(env.DB),
  env: { ...env, ...over } as Env,
  waitUntil: () => {},
});

describe("status lists", () => {
  it("suspend sets the entry to « suspended » in the re-fetched, re-verified list; reinstate clears it; withdraw: « withdrawn »", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    expect(await messageOf(vc)).toBe("valid");

    expect((await label(number, "suspend")).status).toBe(200);
    expect(await messageOf(vc)).toBe("suspended");
    expect(await verifyOverHttp(vc)).toMatchObject({ verified: false, proofValid: true, status: "suspended" });
    const r = await call("POST", "/v1/public/credentials/verify", { token: null, body: vc });
    expect(r.json).toMatchObject({ verified: false, proofValid: true, status: "suspended" });

    expect((await label(number, "reinstate")).status).toBe(200);
    expect(await messageOf(vc)).toBe("valid");
    expect((await verifyOverHttp(vc)).status).toBe("valid");

    expect((await label(number, "withdraw")).status).toBe(200);
    expect(await messageOf(vc)).toBe("withdrawn");
    expect(await verifyOverHttp(vc)).toMatchObject({ verified: false, proofValid: true, status: "revoked" });
  });

  it("holds 131,072 entries, GZIP + base64url multibase, cached for its ttl, each label at its own index", async () => {
    const a = await awardedLabel();
    const b = await awardedLabel();
    const [va, vb] = [await credentialOf(a.number), await credentialOf(b.number)];
    expect(va.credentialStatus.statusListIndex).not.toBe(vb.credentialStatus.statusListIndex);
    const path = new URL(va.credentialStatus.statusListCredential).pathname;
    const list = await request("GET", path, { accept: "application/vc" });
    expect(list.headers.get("Content-Type")).toBe("application/vc");
    expect(list.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(list.headers.get("Cache-Tag")).toBe(`spp-status-message-${a.number.slice(4, 8)}`);
    expect(list.json).toMatchObject({
      type: ["VerifiableCredential", "BitstringStatusListCredential"],
      issuer: DID,
      credentialSubject: { type: "BitstringStatusList", statusPurpose: "message", ttl: 300_000 },
      proof: [{ cryptosuite: "eddsa-rdfc-2022" }],
    });
    expect(list.json!.credentialSubject.encodedList).toMatch(/^uH4sI/); // multibase base64url of a GZIP stream
    // Two bits an entry.
    expect((await decodeList({ encodedList: list.json!.credentialSubject.encodedList })).bitstring.length).toBe(
      STATUS_LIST_LENGTH * 2,
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
    expect(results.map((r) => r.subject)).toEqual([`message/${year}`, `revocation/${year}`, `suspension/${year}`]);
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
    const oldKey = old.proof[0].verificationMethod.split("#")[1];
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
    expect(fresh.proof[0].verificationMethod).toBe(doc.assertionMethod[0]);
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
    expect(resigned.proof[0].verificationMethod).toBe(doc.assertionMethod[0]);
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
    expect(await messageOf(vc)).toBe("suspended");
    expect((await verifyOverHttp(vc)).status).toBe("suspended");
  });
});

describe("credentials handed out before the message list (migration 0018)", () => {
  it("are signed again in the current shape, and the message lists signed, by the minute cron", async () => {
    const { number } = await awardedLabel();
    const suspended = await makeLabel({ status: "suspended" });
    const year = number.slice(4, 8);
    // The rows as they were before: a credential of the earlier shape, no message list yet.
    await env.DB.prepare(
      "UPDATE credentials SET content_hash = 'before-0018', document = '{\"credentialStatus\":[]}'",
    ).run();
    await env.DB.prepare("DELETE FROM status_lists WHERE purpose = 'message'").run();
    for (const statement of resign.split(/;\s*\n/).filter((x) => x.replace(/--.*$/gm, "").trim())) {
      await env.DB.prepare(statement).run();
    }
    for (let run = 0; run < 3; run++) await runDueEffects(deps(), new Date());
    for (const n of [number, suspended.number]) {
      const vc = await credentialOf(n);
      expect(vc.credentialStatus.statusListCredential).toBe(`${ORIGIN}/status/message/${year}`);
      expect(validateOb3(vc), JSON.stringify(validateOb3.errors)).toBe(true);
    }
    expect(await messageOf(await credentialOf(suspended.number))).toBe("suspended");
    expect(await messageOf(await credentialOf(number))).toBe("valid");
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
  it("offers « Télécharger l'attestation vérifiable » while the label stands (valid, suspended), and says what it is for", async () => {
    const { code, number } = await awardedLabel();
    const offered = async () => (await call("GET", `/verify/${code}`, { token: null })).text;
    let page = await offered();
    expect(page).toContain("Télécharger l&#39;attestation vérifiable");
    expect(page).toContain(`href="${ORIGIN}/v1/public/labels/${number}/credential"`);
    expect(page).toContain("permet au service de prouver son label");
    expect((await label(number, "suspend")).status).toBe(200);
    expect(await offered()).toContain("Télécharger l&#39;attestation vérifiable");
    expect((await label(number, "withdraw")).status).toBe(200);
    page = await offered();
    expect(page).not.toContain("attestation vérifiable");
    const expired = await makeLabel({ awardedOn: "2020-01-15" });
    expect((await call("GET", `/verify/${expired.structureCode}`, { token: null })).text).not.toContain(
      "attestation vérifiable",
    );
  });
});

describe("the verifier judges the registry's facts, not the submitted JSON's", () => {
  const verify = (body: unknown, contentType?: string) =>
    call("POST", "/v1/public/credentials/verify", {
      token: null,
      ...(contentType ? { raw: JSON.stringify(body), headers: { "Content-Type": contentType } } : { body }),
    });

  it("answers « not valid » to the two attacks: an array-wrapped status entry type (withdrawn), an array-wrapped validUntil (expired)", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    expect((await label(number, "withdraw")).status).toBe(200);
    const wrappedType = { ...vc, credentialStatus: { ...vc.credentialStatus, type: [vc.credentialStatus.type] } };
    const r1 = await verify(wrappedType);
    expect(r1.json).toMatchObject({ verified: false, proofValid: false, status: "unknown" });
    expect(r1.json.reason).toMatch(/^Not one of our credentials: credentialStatus\.type/);
    // The genuine one says what the records say: proof valid, label withdrawn.
    expect((await verify(vc)).json).toMatchObject({ verified: false, proofValid: true, status: "revoked" });

    const expired = await makeLabel({ awardedOn: "2020-01-15" });
    const old = await credentialOf(expired.number);
    const wrappedDate = { ...old, validUntil: [old.validUntil] };
    const r2 = await verify(wrappedDate);
    expect(r2.json).toMatchObject({ verified: false, proofValid: false, status: "unknown" });
    expect(r2.json.reason).toMatch(/^Not one of our credentials: validUntil/);
    expect((await verify(old)).json).toMatchObject({ verified: false, proofValid: true, status: "expired" });
  });

  it("takes the state from the records, not from the document's entry: a suspended label's credential pointing at another index", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    expect((await label(number, "suspend")).status).toBe(200);
    // Any change is outside the signature: the proof fails, and the state is still the records'.
    const moved = { ...vc, credentialStatus: { ...vc.credentialStatus, statusListIndex: "0" } };
    expect((await verify(moved)).json).toMatchObject({ verified: false, proofValid: false, status: "suspended" });
  });

  it("answers « unsigned content » for an added key, and refuses documents not shaped as ours before any canonicalisation", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    const commented = await verify({ ...vc, "@comment": "hello" });
    expect(commented.json).toMatchObject({ verified: false, proofValid: false });
    expect(commented.json.reason).toBe("The document carries unsigned content: @comment");
    const nested = await verify({ ...vc, credentialSubject: { ...vc.credentialSubject, extra: 1 } });
    expect(nested.json.reason).toBe("The document carries unsigned content in credentialSubject: extra");

    const cases: [string, Json][] = [
      ["@context", { ...vc, "@context": [...vc["@context"], "https://www.w3.org/ns/credentials/v2"] }],
      ["proof", { ...vc, proof: [vc.proof[0], vc.proof[0]] }],
      ["credentialSubject.id", { ...vc, credentialSubject: { ...vc.credentialSubject, id: "_:b0" } }],
      ["type", { ...vc, type: [...vc.type, "Other"] }],
    ];
    for (const [path, doc] of cases) {
      const r = await verify(doc);
      expect(r.status).toBe(200);
      expect(r.json, path).toMatchObject({ verified: false, proofValid: false, status: "unknown" });
      expect(r.json.reason, path).toMatch(new RegExp(`^Not one of our credentials: ${path.replace(".", "\\.")}`));
    }
    // A credential id that is not the label's own credential URL, or a label the registry does not have.
    const notOurs = await verify({ ...vc, id: `${ORIGIN}/v1/public/labels/SPP-2026-999999/credential` });
    expect(notOurs.json.reason).toContain("its id is not the credential URL");
  });

  it("answers the worst inputs (the @context repeated 1,500 times, 2,000 blank nodes) with « not one of ours »", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    const contexts = { ...vc, "@context": Array(1500).fill("https://www.w3.org/ns/credentials/v2") };
    const ring = {
      ...vc,
      credentialSubject: {
        ...vc.credentialSubject,
        // 2,000 blank nodes within the 64 KiB cap (bench/verify-worst.ts times a real ring, 77 KB).
        k: Array.from({ length: 2000 }, (_, i) => ({ "@id": `_:${i}`, k: `_:${(i + 1) % 2000}` })),
      },
    };
    for (const doc of [contexts, ring]) {
      const r = await verify(doc);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ verified: false, proofValid: false, status: "unknown" });
      expect(r.json.reason).toMatch(/^Not one of our credentials: more than 400 JSON nodes/);
    }
    // Their CPU cost is measured in Node (workerd's clock stands still while code runs): bench/verify-worst.ts.
  });

  it("takes application/vc, the type credentials are served in", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    const r = await verify(vc, "application/vc");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ verified: true, status: "valid" });
    expect((await verify([1], "application/vc")).status).toBe(422);
    expect((await verify({}, "text/plain")).status).toBe(415);
  });

  it("still verifies a credential handed out before the message list (two entries, one proof object)", async () => {
    const { number } = await awardedLabel();
    const vc = await credentialOf(number);
    const { proof: _, ...current } = vc;
    const year = number.slice(4, 8);
    const entry = (purpose: string) => ({
      id: `${ORIGIN}/status/${purpose}/${year}#${vc.credentialStatus.statusListIndex}`,
      type: "BitstringStatusListEntry",
      statusPurpose: purpose,
      statusListIndex: vc.credentialStatus.statusListIndex,
      statusListCredential: `${ORIGIN}/status/${purpose}/${year}`,
    });
    const { image: _i, inLanguage: _l, ...achievement } = current.credentialSubject.achievement;
    const { id: _id, ...subject } = current.credentialSubject;
    const { image: _img, ...rest } = current;
    const legacy = {
      ...rest,
      "@context": current["@context"].slice(0, 2) as string[],
      credentialSubject: { ...subject, achievement },
      credentialSchema: [{ id: current.credentialSchema[0].id, type: "JsonSchema" }],
      credentialStatus: [entry("revocation"), entry("suspension")],
    };
    const signed = (await sign(legacy, await issuerKeys(env))) as Json;
    const asIssued = { ...signed, proof: signed.proof[0] };
    expect((await verify(asIssued)).json).toMatchObject({ verified: true, proofValid: true, status: "valid" });
    // Its one-bit lists are still kept current.
    expect((await label(number, "suspend")).status).toBe(200);
    const list = (await request("GET", `/status/suspension/${year}`)).json!;
    const bits = await decodeList({ encodedList: list.credentialSubject.encodedList });
    expect(bits.getStatus(Number(vc.credentialStatus.statusListIndex))).toBe(true);
    expect((await verify(asIssued)).json).toMatchObject({ verified: false, proofValid: true, status: "suspended" });
  });

  it("every credential, in every state, validates against 1EdTech's schema with zero errors", async () => {
    const valid = await makeLabel({});
    const suspended = await makeLabel({ status: "suspended" });
    const withdrawn = await makeLabel({ status: "withdrawn" });
    const expired = await makeLabel({ awardedOn: "2020-01-15" });
    for (const l of [valid, suspended, withdrawn, expired]) {
      const vc = await credentialOf(l.number);
      expect(validateOb3(vc), JSON.stringify(validateOb3.errors)).toBe(true);
    }
  });
});

describe("the DID document", () => {
  it("answers application/did+json, and application/json to a client that asks for JSON only", async () => {
    const did = await call("GET", "/.well-known/did.json", { token: null, headers: { Accept: "*/*" } });
    expect(did.headers.get("Content-Type")).toBe("application/did+json");
    expect(did.json.id).toBe(DID);
    const json = await call("GET", "/.well-known/did.json", { token: null, headers: { Accept: "application/json" } });
    expect(json.headers.get("Content-Type")).toBe("application/json");
  });
});
