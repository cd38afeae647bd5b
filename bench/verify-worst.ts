/**
 * The CPU the verifier spends on the worst inputs of issue 23, measured in Node (`process.cpuUsage`:
 * user + system of this process; workerd's clocks stand still while code runs, so a Worker test cannot
 * time it). Run: `npx tsx bench/verify-worst.ts`. Builds, with the Worker's own code, a genuine
 * credential, then the `@context` repeated 1,500 times and a ring of 2,000 blank nodes, and checks each
 * with `checkCredential` (src/credentials/verify.ts) as the endpoint does. Exits 1 if one takes 50 ms or more.
 */
import { deriveIssuerKeys, didDocument } from "../src/credentials/keys";
import { didDocumentFetcher, documentLoader } from "../src/credentials/loader";
import { labelCredential } from "../src/credentials/model";
import { sign } from "../src/credentials/sign";
import { checkCredential } from "../src/credentials/verify";

const BUDGET_MS = 50;
const keys = await deriveIssuerKeys("http://127.0.0.1:8900", "YmVuY2gtb25seS1rZXktbm90LWZvci1wcm9kdWN0aW8", []);
const vc = (await sign(
  labelCredential(
    {
      number: "SPP-2026-000001",
      tier: "or",
      awardedOn: "2026-01-15",
      expiresOn: "2029-01-14",
      structure: { code: "BENCH-01", name: "Structure du banc d'essai" },
      referential: null,
      entry: { list: "2026", index: 42 },
    },
    keys,
  ),
  keys,
)) as Record<string, any>;
const ctx = {
  did: keys.did,
  base: keys.base,
  publishedKeys: keys.published.map((k) => k.id),
  documentLoader: documentLoader(didDocumentFetcher(didDocument(keys))),
  labelState: async () => "valid" as const,
  now: new Date(),
};
const inputs: Record<string, Record<string, unknown>> = {
  genuine: vc,
  "@context ×1,500": { ...vc, "@context": Array(1500).fill("https://www.w3.org/ns/credentials/v2") },
  "ring of 2,000 blank nodes": {
    ...vc,
    credentialSubject: {
      ...vc.credentialSubject,
      k: Array.from({ length: 2000 }, (_, i) => ({ "@id": `_:${i}`, k: { "@id": `_:${(i + 1) % 2000}` } })),
    },
  },
};
let over = false;
await checkCredential(vc, ctx); // the first run compiles the libraries
for (const [name, doc] of Object.entries(inputs)) {
  const bytes = JSON.stringify(doc).length;
  const start = process.cpuUsage();
  const r = await checkCredential(doc, ctx);
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  if (name !== "genuine" && ms >= BUDGET_MS) over = true;
  console.log(`${name} (${bytes} bytes): ${ms.toFixed(2)} ms CPU → verified ${r.verified}: ${r.reason}`);
}
process.exit(over ? 1 : 0);
