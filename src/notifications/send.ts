/**
 * One signed POST to a subscriber: Standard Webhooks headers (`webhook-id` = the notification's id, the
 * same on every retry; `webhook-timestamp`; `webhook-signature` with one `v1,` signature per secret
 * still valid, so a receiver holding the previous secret during a rotation still verifies), no redirect
 * followed, 10 s timeout, at most 1 KiB of the answer read and kept.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { Webhook } from "standardwebhooks";

export const SEND_TIMEOUT_MS = 10_000;
/** Bytes of a subscriber's answer read and kept in the delivery log. */
export const RESPONSE_KEPT_BYTES = 1024;

export type SendResult = {
  ok: boolean;
  /** The HTTP status, or null when nothing answered (timeout, refused, unreachable). */
  status: number | null;
  error: string | null;
  /** At most RESPONSE_KEPT_BYTES of the answer's body. */
  response: string | null;
};

/** The `webhook-*` headers of `payload`, signed with every secret (newest first), at `at`. */
export function signedHeaders(
  id: string,
  payload: string,
  secrets: readonly string[],
  at: Date,
): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((s) => new Webhook(s).sign(id, at, payload)).join(" "),
  };
}

/** The first `max` bytes of a body (the rest is never read), as text. */
async function readAtMost(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value.subarray(0, max - size));
      size += Math.min(value.length, max - size);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  // A multi-byte character cut at the limit becomes U+FFFD rather than an error.
  return new TextDecoder().decode(bytes);
}

/** POSTs one notification. Never throws: every outcome is a SendResult. */
export async function postSigned(
  url: string,
  id: string,
  payload: string,
  secrets: readonly string[],
): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "services-publics-plus-registry/1 (notifications)",
        // The signature's time is the sending time, whatever the delivery's age.
        ...signedHeaders(id, payload, secrets, new Date()),
      },
      body: payload,
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (err) {
    const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      ok: false,
      status: null,
      error: timeout
        ? `No answer within ${SEND_TIMEOUT_MS / 1000} s`
        : `Unreachable: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
      response: null,
    };
  }
  const response = await readAtMost(res, RESPONSE_KEPT_BYTES).catch(() => "");
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, error: null, response };
  const error =
    res.status >= 300 && res.status < 400
      ? `HTTP ${res.status}: redirects are not followed (Location: ${(res.headers.get("Location") ?? "none").slice(0, 200)})`
      : `HTTP ${res.status}`;
  return { ok: false, status: res.status, error, response };
}
