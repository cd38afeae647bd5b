#!/usr/bin/env node
// @ts-check
// A second, independent verification of the registry's credentials (ADR 0006): the proof by DIDKit
// (Spruce's Rust `ssi`, compiled to WebAssembly, as LearnCard ships it: `@learncard/didkit-plugin`), which
// resolves the registry's did:web itself and canonicalises with its own RDF code; the state by another
// W3C Bitstring Status List implementation (`@4sure-tech/vc-bitstring-status-lists`), which reads the
// entry's `statusSize` bits. Neither shares code with the Digital Bazaar libraries the registry signs with.
// Each label's credential is also checked by the registry's verifier (POST /v1/public/credentials/verify)
// and by examples/verify-credential.mjs; the script fails unless all three report the expected state.
//   REGISTRY_URL=http://localhost:8787 node scripts/verify-independently.mjs
// Defaults: the demo labels of `npm run dev` (valid, suspended, withdrawn, expired). did:web of a local
// registry (localhost) is resolved over plain HTTP by DIDKit itself.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BitstreamStatusList } from "@4sure-tech/vc-bitstring-status-lists";
// The project's own dev dependencies (resolved from the repository's node_modules).
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";

const registry = process.env.REGISTRY_URL ?? "http://localhost:8787";
const EXPECTED = /** @type {const} */ ([
  ["DEMO-PREF-01", "valid"],
  ["DEMO-MAIRIE-01", "suspended"],
  ["DEMO-HOPITAL-01", "revoked"],
  ["DEMO-URSSAF-45", "expired"],
]);

// The package's exports name only its JS wrapper; its wasm-bindgen module is loaded directly.
const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "node_modules/@learncard/didkit-plugin");
const didkit = await import(join(pkg, "dist/didkit/didkit_wasm.js"));
didkit.initSync({ module: readFileSync(join(pkg, "dist/didkit/didkit_wasm_bg.wasm")) });

/** @param {string} url */
async function get(url) {
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

// 1EdTech's OB 3.0 AchievementCredential schema, as vendored (test/vendor/openbadges/SOURCE.md).
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
const schema = JSON.parse(
  readFileSync(join(here, "../../test/vendor/openbadges/ob_v3p0_achievementcredential_schema.json"), "utf8"),
);
const validateOb3 = ajv.compile(schema);

let failures = 0;
for (const [ref, expected] of EXPECTED) {
  const vc = await get(`${registry}/v1/public/labels/${ref}/credential`);
  // 1. DIDKit: the proof (and the credential's own checks: dates are not judged here, the proof is).
  // It answers a JSON string: { checks, warnings, errors }.
  const dkAnswer = await didkit.verifyCredential(JSON.stringify(vc), "{}", "{}");
  const dk = typeof dkAnswer === "string" ? JSON.parse(dkAnswer) : dkAnswer;
  const proofValid = dk.errors.length === 0 && dk.checks.includes("proof");
  // 2. The other Bitstring Status List implementation decodes the list and reads the entry's statusSize
  // bits. (Its checkStatus wants `statusSize` repeated in the list's subject, as a draft of the
  // specification had it; VC 2.0's context does not define it there, so the list is matched here.)
  const entry = vc.credentialStatus;
  const list = await get(entry.statusListCredential);
  if (list.credentialSubject.statusPurpose !== entry.statusPurpose) throw new Error(`${ref}: not the entry's list`);
  const decoded = await BitstreamStatusList.decode({
    encodedList: list.credentialSubject.encodedList,
    statusSize: entry.statusSize,
  });
  const st = { status: decoded.getStatus(Number(entry.statusListIndex)) };
  const hex = `0x${st.status.toString(16)}`;
  const message = entry.statusMessage.find((/** @type {{ status: string }} */ m) => m.status === hex)?.message;
  const second =
    message === "withdrawn"
      ? "revoked"
      : message === "suspended"
        ? "suspended"
        : message === "valid"
          ? new Date() > new Date(vc.validUntil)
            ? "expired"
            : "valid"
          : `unknown (${message})`;
  // 3. The registry's own verifier.
  const res = await fetch(`${registry}/v1/public/credentials/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/vc" },
    body: JSON.stringify(vc),
  });
  const registryAnswer = await res.json();
  // 4. The Digital Bazaar example.
  let example;
  try {
    example = execFileSync(process.execPath, [join(here, "../../examples/verify-credential.mjs"), ref], {
      env: { ...process.env, REGISTRY_URL: registry },
      encoding: "utf8",
    });
  } catch (err) {
    example = /** @type {{ stdout: string }} */ (err).stdout;
  }
  const exampleState = /status now: (\w+)/.exec(example)?.[1] ?? "?";
  const schemaErrors = validateOb3(vc) ? 0 : (validateOb3.errors?.length ?? 1);
  const ok =
    schemaErrors === 0 &&
    proofValid &&
    second === expected &&
    registryAnswer.proofValid === true &&
    registryAnswer.status === expected &&
    exampleState === expected;
  if (!ok) failures++;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${ref} (expected ${expected}): OB 3.0 schema ${schemaErrors} errors; DIDKit ${getVersionOnce()} proof ${proofValid ? "valid" : `INVALID ${JSON.stringify(dk.errors)}`}, ` +
      `4sure status ${st.status} → ${second}; registry proofValid ${registryAnswer.proofValid} status ${registryAnswer.status}; ` +
      `examples/verify-credential.mjs ${exampleState}`,
  );
}

function getVersionOnce() {
  return didkit.getVersion();
}

// A check that can fail: DIDKit must refuse a credential altered after signing.
{
  const vc = await get(`${registry}/v1/public/labels/${EXPECTED[0][0]}/credential`);
  const altered = { ...vc, validUntil: "2099-12-31T22:59:59Z" };
  const answer = await didkit.verifyCredential(JSON.stringify(altered), "{}", "{}");
  const dk = typeof answer === "string" ? JSON.parse(answer) : answer;
  const refused = dk.errors.length > 0;
  if (!refused) failures++;
  console.log(
    `${refused ? "ok  " : "FAIL"} altered credential: DIDKit ${refused ? `refuses it (${dk.errors[0]})` : "ACCEPTS it"}`,
  );
}

console.log(`${EXPECTED.length + 1 - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
