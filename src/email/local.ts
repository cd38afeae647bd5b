/**
 * Dev and test transport: nothing leaves the machine. The e-mail is already stored, fully rendered,
 * in the outbox; marking it sent is all there is to do, and /dev/outbox shows it.
 */
import type { Transport } from "./transport";

export function localTransport(): Transport {
  return {
    name: "local",
    async send(e) {
      return { ok: true, providerId: `local:${e.id}` };
    },
  };
}
