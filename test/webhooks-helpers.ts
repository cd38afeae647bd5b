/** Signs and sends deliveries exactly as a certification body would, with `standardwebhooks`. */
import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { assign, call, createCertifier, createStructure } from "./helpers";

let seq = 0;
export const newMsgId = () => `msg_${Date.now().toString(36)}_${++seq}`;

export type Delivery = {
  secret: string;
  body: unknown;
  id?: string;
  /** Seconds to add to now in `webhook-timestamp` (negative = in the past). */
  skew?: number;
  /** Replaces the computed signature header. */
  signature?: string;
  omit?: ("webhook-id" | "webhook-timestamp" | "webhook-signature")[];
};

export function signedHeaders(d: Delivery, raw: string) {
  const id = d.id ?? newMsgId();
  const at = new Date(Date.now() + (d.skew ?? 0) * 1000);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": Math.floor(at.getTime() / 1000).toString(),
    "webhook-signature": d.signature ?? new Webhook(d.secret).sign(id, at, raw),
  };
  for (const h of d.omit ?? []) delete headers[h];
  return headers;
}

export async function deliver(certifierId: string, d: Delivery) {
  const raw = typeof d.body === "string" ? d.body : JSON.stringify(d.body);
  return call("POST", `/v1/webhooks/certifiers/${certifierId}`, {
    token: null,
    raw,
    headers: signedHeaders(d, raw),
  });
}

let refSeq = 0;
export const nextRef = (prefix: string) => `${prefix}-${++refSeq}`;

export function auditEvent(structureCode: string, over: Record<string, unknown> = {}) {
  return {
    type: "audit.completed",
    timestamp: new Date().toISOString(),
    data: {
      structureCode,
      auditRef: nextRef("AUD"),
      kind: "initial",
      auditedOn: "2026-03-12",
      referentialVersion: "2023",
      engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 70 + number })),
      criteria: [
        { id: "E1-C1", result: "conforme" },
        { id: "E4-C2", result: "non_conforme", blocking: true },
        { id: "E5-C1", result: "partiel", blocking: true },
      ],
      reportUrl: "https://oc.example/rapports/a.pdf",
      ...over,
    },
  };
}

/** A habilitated body with one structure assigned to it. */
export async function setup(habilitation = { from: "2024-01-01", until: "2030-12-31" }) {
  const body = await createCertifier({ habilitation });
  const s = await createStructure();
  await assign(s.code, body.id);
  return { certifier: body, secret: body.webhookSecret, code: s.code };
}

export async function sql<T = Record<string, unknown>>(query: string, ...params: unknown[]) {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}
