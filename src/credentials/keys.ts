/**
 * The registry's issuer identity: `did:web` of its public origin, the Ed25519 key it signs with (the
 * `CREDENTIAL_SIGNING_KEY` secret: a 32-byte seed) and the keys it signed with before
 * (`CREDENTIAL_RETIRED_KEYS`), all published in its DID document so that every credential it ever
 * signed keeps verifying. A key's verification method id is `<did>#<its public key>`: a new key is a
 * new id by construction.
 * @see https://w3c-ccg.github.io/did-method-web/ and docs/adr/0006-verifiable-credentials.md
 */
import { type Ed25519KeyPair, generate } from "@digitalbazaar/ed25519-multikey";
import { config } from "../env";
import type { Issuer } from "./model";

export type PublishedKey = { id: string; publicKeyMultibase: string };
export type IssuerKeys = Issuer & {
  /** The key that signs now. */
  signing: Ed25519KeyPair;
  /** Every key whose signatures verify: the current one first, then the retired ones. */
  published: PublishedKey[];
};

/** `did:web` of an origin: its host, the port percent-encoded (`did:web:localhost%3A8787`). */
export function didWebOf(baseUrl: string): string {
  const u = new URL(baseUrl);
  return `did:web:${u.hostname}${u.port ? `%3A${u.port}` : ""}`;
}

export const verificationMethodId = (did: string, publicKeyMultibase: string) => `${did}#${publicKeyMultibase}`;

/** The 32-byte Ed25519 seed written base64url in a secret (CREDENTIAL_SIGNING_KEY, LOG_SIGNING_KEY). */
export function seedOf(secret: string, name = "CREDENTIAL_SIGNING_KEY"): Uint8Array {
  const bin = atob(secret.replace(/-/g, "+").replace(/_/g, "/"));
  if (bin.length !== 32) throw new Error(`${name} must be 32 bytes, base64url`);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

let cached: { key: string; keys: Promise<IssuerKeys> } | undefined;

/** The issuer's keys under this configuration (derived once per isolate and configuration). */
export function issuerKeys(env: Env): Promise<IssuerKeys> {
  const cfg = config(env);
  const key = [cfg.PUBLIC_BASE_URL, cfg.CREDENTIAL_SIGNING_KEY, ...cfg.CREDENTIAL_RETIRED_KEYS].join("|");
  if (cached?.key !== key) {
    cached = {
      key,
      keys: deriveIssuerKeys(cfg.PUBLIC_BASE_URL, cfg.CREDENTIAL_SIGNING_KEY, cfg.CREDENTIAL_RETIRED_KEYS),
    };
  }
  return cached.keys;
}

/** The issuer's keys from its base URL, its seed and its retired public keys (bench/credentials.ts too). */
export async function deriveIssuerKeys(
  baseUrl: string,
  secret: string,
  retired: readonly string[],
): Promise<IssuerKeys> {
  const base = new URL(baseUrl).origin;
  const did = didWebOf(base);
  const probe = await generate({ seed: seedOf(secret) });
  const signing = await generate({
    seed: seedOf(secret),
    id: verificationMethodId(did, probe.publicKeyMultibase),
    controller: did,
  });
  const published = [signing.publicKeyMultibase, ...retired.filter((k) => k !== signing.publicKeyMultibase)].map(
    (publicKeyMultibase) => ({ id: verificationMethodId(did, publicKeyMultibase), publicKeyMultibase }),
  );
  return { did, base, signing, published };
}

/** The DID document `/.well-known/did.json` serves: every published key, each allowed to issue. */
export function didDocument(keys: Pick<IssuerKeys, "did" | "published">) {
  return {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    id: keys.did,
    verificationMethod: keys.published.map((k) => ({
      id: k.id,
      type: "Multikey" as const,
      controller: keys.did,
      publicKeyMultibase: k.publicKeyMultibase,
    })),
    assertionMethod: keys.published.map((k) => k.id),
  };
}
