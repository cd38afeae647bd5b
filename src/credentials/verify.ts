/**
 * Verifying a credential this registry issued: whether its proof is valid, whether it was issued here,
 * and its status now (valid / suspended / revoked / expired), each with the reason. The one
 * verification code: `POST /v1/public/credentials/verify` runs it with the registry's own documents,
 * the tests and examples/verify-credential.mjs with the same documents fetched over HTTP.
 *
 * Two traps of the libraries are avoided here: `verifyCredential` refuses an expired credential before
 * looking at its proof (so the proof is checked as of its `validFrom`, and expiry judged apart), and a
 * status check answers `verified: true` for a revoked credential (so the bits are read from its results).
 */
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { verifyCredential } from "@digitalbazaar/vc";
import { checkStatus } from "@digitalbazaar/vc-bitstring-status-list";

export const CREDENTIAL_STATUSES = ["valid", "suspended", "revoked", "expired", "not-yet-valid", "unknown"] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export type CredentialCheck = {
  /** True only when the proof is valid, the credential was issued here and its status is `valid`. */
  verified: boolean;
  proofValid: boolean;
  issuedHere: boolean;
  status: CredentialStatus;
  reason: string;
  /** The label the credential is about (its `credentialSubject.licenseNumber`), if it names one. */
  labelNumber: string | null;
};

const message = (err: unknown): string => {
  const e = err as { message?: string; errors?: unknown[] } | undefined;
  const inner = e?.errors?.map(message).filter(Boolean) ?? [];
  return inner.length > 0 ? inner.join("; ") : (e?.message ?? String(err));
};

const validDate = (v: unknown): Date | null => {
  if (typeof v !== "string") return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

export async function checkCredential(
  credential: Record<string, unknown>,
  opts: { did: string; documentLoader: DocumentLoader; now: Date },
): Promise<CredentialCheck> {
  const issuer = credential.issuer as { id?: unknown } | string | undefined;
  const issuerId = typeof issuer === "string" ? issuer : typeof issuer?.id === "string" ? issuer.id : null;
  const subject = credential.credentialSubject as { licenseNumber?: unknown } | undefined;
  const labelNumber = typeof subject?.licenseNumber === "string" ? subject.licenseNumber : null;
  const base = { labelNumber, issuedHere: issuerId === opts.did };
  const fail = (proofValid: boolean, reason: string): CredentialCheck => ({
    ...base,
    verified: false,
    proofValid,
    status: "unknown",
    reason,
  });

  if (!base.issuedHere) {
    return fail(false, `Issued by ${issuerId ?? "no issuer"}, not by this registry (${opts.did}): not checked`);
  }
  const suite = new DataIntegrityProof({ cryptosuite });
  const validFrom = validDate(credential.validFrom);
  const validUntil = validDate(credential.validUntil);
  let proof: Awaited<ReturnType<typeof verifyCredential>>;
  try {
    proof = await verifyCredential({
      credential,
      suite,
      documentLoader: opts.documentLoader,
      // Status is read below, on its own.
      checkStatus: async () => ({ verified: true }),
      now: validFrom ?? opts.now,
    });
  } catch (err) {
    return fail(false, `The proof does not verify: ${message(err)}`);
  }
  if (!proof.verified) return fail(false, `The proof does not verify: ${message(proof.error ?? proof.results)}`);

  const status = await checkStatus({ credential, documentLoader: opts.documentLoader, suite });
  if (!status.verified || !status.results) {
    return fail(true, `The status lists could not be checked: ${message(status.error)}`);
  }
  const bit = (purpose: string) =>
    status.results!.some((r) => r.credentialStatus.statusPurpose === purpose && r.status);
  const [state, reason]: [CredentialStatus, string] = bit("revocation")
    ? ["revoked", "Its bit is set in the registry's revocation list: the label was withdrawn (final)"]
    : bit("suspension")
      ? ["suspended", "Its bit is set in the registry's suspension list: the label is suspended"]
      : validUntil && opts.now > validUntil
        ? ["expired", `Its validity ended at ${credential.validUntil}`]
        : validFrom && opts.now < validFrom
          ? ["not-yet-valid", `It is valid from ${credential.validFrom}`]
          : ["valid", "The proof verifies with the registry's key and no status bit is set"];
  return { ...base, verified: state === "valid", proofValid: true, status: state, reason };
}
