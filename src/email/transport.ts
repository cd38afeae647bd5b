/**
 * One interface for every way an e-mail leaves the outbox. A transport never throws for a delivery
 * problem: it answers whether the failure is permanent (don't retry) or transient (retry later).
 */
import type { Config } from "../env";
import { brevoTransport } from "./brevo";
import { cloudflareTransport } from "./cloudflare";
import { localTransport } from "./local";
import type { Subject } from "./templates";

export type OutgoingEmail = {
  /** The outbox row id: stable across retries, sent as an idempotency hint where the provider takes one. */
  id: string;
  from: string;
  to: string[];
  /** One line, by construction (see `subjectLine`). */
  subject: Subject;
  text: string;
  html: string;
};

export type SendResult = { ok: true; providerId: string } | { ok: false; permanent: boolean; error: string };

export interface Transport {
  readonly name: Config["EMAIL_TRANSPORT"];
  send(email: OutgoingEmail): Promise<SendResult>;
}

/** The transport chosen by `EMAIL_TRANSPORT`. */
export function transportFor(env: Env, cfg: Config): Transport {
  switch (cfg.EMAIL_TRANSPORT) {
    case "cloudflare":
      return cloudflareTransport(env.EMAIL);
    case "brevo":
      return brevoTransport(cfg.BREVO_API_KEY!);
    case "local":
      return localTransport();
  }
}

/** Errors caught around a provider call, as text short enough to store. */
export const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 1000);
