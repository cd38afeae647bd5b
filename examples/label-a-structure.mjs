#!/usr/bin/env node
import { registryClient } from "./client.mjs";
// @ts-check
// Registers a structure and a certification body, sends the body's signed results, evaluates,
// decides and verifies, with the client typed from the registry's OpenAPI document. Defaults
// target `npm run dev`:
//   node examples/label-a-structure.mjs
// Override with REGISTRY_URL, ADMIN_TOKEN, STRUCTURE_CODE.
import { adminTokenOfDev } from "./dev-token.mjs";
import { labelAStructure } from "./flows.mjs";

const baseUrl = process.env.REGISTRY_URL ?? "http://localhost:8787";
// ADMIN_TOKEN, or this machine's dev token in .dev.vars (local development only).
const adminToken = adminTokenOfDev();
const code = process.env.STRUCTURE_CODE ?? `EXEMPLE-${Date.now().toString(36).toUpperCase()}`;

const { decided, verified } = await labelAStructure((token) => registryClient({ baseUrl, token }), {
  adminToken,
  code,
});
console.log(`label ${decided.label?.number} (${decided.label?.tier}) for ${code}`);
console.log(JSON.stringify(verified, null, 2));
