// @ts-check
/**
 * A typed client for the registry, generated from its own OpenAPI document: `npm run openapi` writes
 * generated/registry-api.ts (openapi-typescript) and openapi-fetch makes the calls. Paths, parameters,
 * bodies and answers are checked by TypeScript (`npm run typecheck` covers these examples), and
 * test/client.test.ts runs them against the Worker: a drift between document and server breaks the build.
 */
import createClient from "openapi-fetch";
import { Webhook } from "standardwebhooks";

/** @typedef {import("../generated/registry-api").paths} paths */
/** @typedef {import("../generated/registry-api").components["schemas"]} schemas */
/** @typedef {import("openapi-fetch").Client<paths>} RegistryClient */

/**
 * @param {{ baseUrl: string, token?: string, fetch?: (request: Request) => Promise<Response> }} opts
 *   `token`: the admin token or an API key (none for public reads); `fetch`: where requests go (tests).
 * @returns {RegistryClient}
 */
export function registryClient({ baseUrl, token, fetch }) {
  return createClient({
    baseUrl,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    ...(fetch ? { fetch } : {}),
  });
}

/**
 * The answer's data, or an error naming the problem the registry answered (RFC 9457).
 * @template T
 * @param {{ data?: T, error?: unknown, response: Response }} answer
 * @param {string} what
 * @returns {T}
 */
export function ok({ data, error, response }, what) {
  if (data === undefined) throw new Error(`${what}: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/**
 * Signs an event as Standard Webhooks says (HMAC-SHA256 of `id.timestamp.body` with the body's
 * `whsec_` secret) and delivers it. The signature covers the exact bytes sent, so the body is
 * serialised once, here. Retry only with the SAME `id` and body: the registry answers a copy as it
 * answered the first and applies nothing twice.
 * @param {RegistryClient} client
 * @param {{ certifierId: string, secret: string, event: schemas["WebhookEvent"], id?: string }} delivery
 */
export function sendEvent(client, { certifierId, secret, event, id = `msg_${crypto.randomUUID()}` }) {
  const body = JSON.stringify(event);
  const now = new Date();
  return client.POST("/v1/webhooks/certifiers/{certifierId}", {
    params: {
      path: { certifierId },
      header: {
        "webhook-id": id,
        "webhook-timestamp": Math.floor(now.getTime() / 1000).toString(),
        "webhook-signature": new Webhook(secret).sign(id, now, body),
      },
    },
    body: event,
    bodySerializer: () => body,
  });
}
