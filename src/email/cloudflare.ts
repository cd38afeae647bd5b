/**
 * Cloudflare Email Service through the `[[send_email]]` binding `EMAIL`, with the structured
 * `send({ from, to, subject, text, html })` form.
 * @see https://developers.cloudflare.com/email-service/
 * The binding throws on failure without a documented status; such errors are treated as transient
 * and end as `failed` after the last attempt.
 */
import type { Transport } from "./transport";
import { errorText } from "./transport";

export function cloudflareTransport(binding: SendEmail): Transport {
  return {
    name: "cloudflare",
    async send(e) {
      try {
        const r = await binding.send({ from: e.from, to: e.to, subject: e.subject, text: e.text, html: e.html });
        return { ok: true, providerId: r.messageId };
      } catch (err) {
        return { ok: false, permanent: false, error: errorText(err) };
      }
    },
  };
}
