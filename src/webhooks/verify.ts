/**
 * Standard Webhooks signature verification, with the `standardwebhooks` package the bodies sign with:
 * HMAC-SHA256 of `id.timestamp.body`, timestamp within ±5 minutes, any of several space-separated
 * `v1,` signatures, against each secret currently valid (the new one and, after a rotation, the
 * previous one during its grace period).
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#verifying-webhook-authenticity
 */
import { Webhook } from "standardwebhooks";

export type SignatureHeaders = {
  "webhook-id": string | undefined;
  "webhook-timestamp": string | undefined;
  "webhook-signature": string | undefined;
};

/**
 * Verified against an unknown body's empty secret list, this dummy keeps the work done the same,
 * so timing does not tell an unknown certifier from a bad signature either.
 */
const DUMMY_SECRET = "whsec_ZHVtbXktc2VjcmV0LW5ldmVyLXVzZWQtZm9yLXNpZ25pbmc=";

/**
 * Whether the three headers are there and the timestamp is a plain Unix timestamp: without them no
 * secret can verify, so the caller needs not read any. Says nothing about which bodies exist.
 */
export function hasSignatureHeaders(headers: SignatureHeaders): boolean {
  const { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig } = headers;
  // The library parses digits leniently (`parseInt("12abc")`): insist on a plain Unix timestamp.
  return Boolean(id && sig && ts && /^\d{1,12}$/.test(ts));
}

/** True when the headers carry a valid, fresh signature of `body` by one of `secrets`. */
export function verifySignature(secrets: readonly string[], body: string, headers: SignatureHeaders): boolean {
  if (!hasSignatureHeaders(headers)) return false;
  const signed = headers as Record<keyof SignatureHeaders, string>; // all three present: checked above
  let ok = false;
  for (const secret of secrets.length ? secrets : [DUMMY_SECRET]) {
    try {
      // jsonParse off: the signature covers the bytes; whether they are JSON is checked later.
      new Webhook(secret).verify(body, signed, { jsonParse: false });
      ok = secrets.length > 0;
    } catch {
      // WebhookVerificationError (stale timestamp, no matching signature) or a malformed secret.
    }
  }
  return ok;
}
