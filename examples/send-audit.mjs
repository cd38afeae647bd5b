#!/usr/bin/env node
// @ts-check
// Signs an `audit.completed` event with the `standardwebhooks` package and sends it to the registry,
// as a certification body's system would, with the client typed from the registry's OpenAPI document
// (examples/client.mjs). Defaults target `npm run dev` and its demo data:
//   node examples/send-audit.mjs
// Override with REGISTRY_URL, CERTIFIER_ID, WEBHOOK_SECRET, STRUCTURE_CODE, AUDIT_REF.
// Running it twice with the same AUDIT_REF shows idempotency: the second answer is `duplicate`.
import { registryClient, sendEvent } from "./client.mjs";

const baseUrl = process.env.REGISTRY_URL ?? "http://localhost:8787";
const certifierId = process.env.CERTIFIER_ID ?? "oc_demo";
// The demo body's secret from scripts/demo-data.sql: local development only.
const secret = process.env.WEBHOOK_SECRET ?? "whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1kZXYtb25seSEh";

const { data, error, response } = await sendEvent(registryClient({ baseUrl }), {
  certifierId,
  secret,
  event: {
    type: "audit.completed",
    timestamp: new Date().toISOString(),
    data: {
      structureCode: process.env.STRUCTURE_CODE ?? "DEMO-PREF-01",
      auditRef: process.env.AUDIT_REF ?? `AUD-DEMO-${Date.now()}`,
      kind: "initial",
      auditedOn: new Date().toISOString().slice(0, 10),
      referentialVersion: "2023",
      engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 75 })),
      criteria: [
        { id: "E1-C1", result: "conforme" },
        { id: "E4-C2", result: "partiel", blocking: true },
      ],
      reportUrl: "https://oc-demo.example/rapports/audit-demo.pdf",
    },
  },
});
console.log(response.status, JSON.stringify(data ?? error));
// Retry only on network errors, 409 with Retry-After, 429 and 5xx — with the SAME id and body:
// the registry answers a copy exactly as it answered the first and applies nothing twice.
process.exitCode = response.ok ? 0 : 1;
