/**
 * Brevo's transactional e-mail API, an alternative to Cloudflare Email Service.
 * @see https://developers.brevo.com/reference/sendtransacemail
 * 2xx → sent (`messageId`); 429, 5xx and network errors → retry later; other 4xx (bad key,
 * invalid address, refused sender) → permanent: retrying would fail the same way.
 */
import type { Transport } from "./transport";
import { errorText } from "./transport";

export const BREVO_URL = "https://api.brevo.com/v3/smtp/email";

/**
 * A call that has not answered by then is abandoned and retried later (transient): a hung provider
 * must not hold the delivery run, and the e-mail stays in the outbox. If the provider did accept it
 * before timing out, the retry sends it again: delivery is at least once, never lost.
 */
export const BREVO_TIMEOUT_MS = 10_000;

export function brevoTransport(apiKey: string, timeoutMs = BREVO_TIMEOUT_MS): Transport {
  return {
    name: "brevo",
    async send(e) {
      let res: Response;
      try {
        res = await fetch(BREVO_URL, {
          method: "POST",
          headers: { "api-key": apiKey, "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({
            sender: { email: e.from, name: "Label Services Publics +" },
            to: e.to.map((email) => ({ email })),
            subject: e.subject,
            textContent: e.text,
            htmlContent: e.html,
            headers: { "X-Outbox-Id": e.id },
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return { ok: false, permanent: false, error: errorText(err) };
      }
      let body: string;
      try {
        body = await res.text();
      } catch (err) {
        // The timeout also covers reading the answer.
        return { ok: false, permanent: false, error: errorText(err) };
      }
      if (res.ok) {
        let id: unknown;
        try {
          id = (JSON.parse(body) as { messageId?: unknown }).messageId;
        } catch {
          id = undefined;
        }
        return { ok: true, providerId: typeof id === "string" ? id : `brevo:${res.status}` };
      }
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408;
      return { ok: false, permanent, error: `Brevo HTTP ${res.status}: ${body.slice(0, 500)}` };
    },
  };
}
