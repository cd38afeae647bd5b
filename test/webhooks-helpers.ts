/** Signs and sends deliveries exactly as a certification body would, with `standardwebhooks`. */
import { Webhook } from "standardwebhooks";
import { uniqueId } from "./factories";
import { call } from "./helpers";

export type Delivery = {
  secret: string;
  body: unknown;
  /** The `webhook-id`; a new one unless given. */
  id?: string;
  /** Seconds to add to now in `webhook-timestamp` (negative = in the past). */
  skew?: number;
  /** Replaces the computed signature header. */
  signature?: string;
  omit?: ("webhook-id" | "webhook-timestamp" | "webhook-signature")[];
  /** Configuration values to change for this delivery (a grace period, a limit). */
  env?: object;
};

/** The Standard Webhooks headers of a delivery of `raw`, signed with its secret. */
export function deliveryHeaders(d: Delivery, raw: string) {
  const id = d.id ?? uniqueId("msg");
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

/** Sends a signed delivery to the body's webhook endpoint. */
export async function deliver(certifierId: string, d: Delivery) {
  const raw = typeof d.body === "string" ? d.body : JSON.stringify(d.body);
  return call("POST", `/v1/webhooks/certifiers/${certifierId}`, {
    token: null,
    raw,
    headers: deliveryHeaders(d, raw),
    env: d.env,
  });
}
