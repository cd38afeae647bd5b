#!/usr/bin/env node
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";
// A subscriber: listens on PORT, subscribes to every label event of the registry under `npm run dev`,
// then prints each event whose Standard Webhooks signature verifies. Override REGISTRY_URL, ADMIN_TOKEN.
import { adminTokenOfDev } from "./dev-token.mjs";

const registry = process.env.REGISTRY_URL ?? "http://localhost:8787";
const port = Number(process.env.PORT ?? 8789);
const url = `http://localhost:${port}/`;
const token = adminTokenOfDev();
let wh;
const server = createServer(async (req, answer) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  try {
    const event = wh.verify(body, req.headers); // throws on a bad signature or a stale timestamp
    console.log(new Date().toISOString(), event.type, event.data.labelNumber, event.data.structure.code);
    answer.writeHead(204).end(); // any 2xx: delivered; anything else is retried
  } catch {
    answer.writeHead(401).end();
  }
});
server.listen(port, async () => {
  const res = await fetch(`${registry}/v1/subscriptions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Receiver", contactEmail: "dev@demo.example", url, watch: { all: true } }),
  });
  if (!res.ok) throw new Error(`Subscription refused: ${await res.text()}`);
  const { id, secret } = await res.json(); // shown once: a real receiver keeps it with its secrets
  wh = new Webhook(secret);
  console.log(`Subscription ${id}: listening on ${url}`);
});
