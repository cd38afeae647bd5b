/**
 * Verifying a credential this registry issued. It judges the registry's facts, not the submitted JSON's:
 *
 * 1. Before any canonicalisation, the document must have exactly the shape the registry issues
 *    (`credentialShape`): the exact `@context` list, string `type`s and dates, one proof by one of the
 *    published keys, no blank-node id, its id the credential URL of the label it names. In JSON-LD `x`
 *    and `[x]` are the same data, so a proof still verifies over an array-wrapped `type` or
 *    `validUntil` that a JSON reader skips; and canonicalising an arbitrary graph costs CPU without
 *    bound. Anything else is « not one of our credentials » (an added key: « unsigned content »).
 * 2. The proof is checked (as of `validFrom`: an expired credential keeps a valid proof), its
 *    canonicalisation bounded (`maxWorkFactor`, a time budget) although step 1 already bounds its input.
 * 3. The label's state today comes from the registry's own records for that label number, never from
 *    the document's status entry: the answer gives both, the proof result and that state.
 *
 * The one verification code: `POST /v1/public/credentials/verify` runs it with the registry's database,
 * the tests with the same documents fetched over HTTP (the DID document, the public label).
 */
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { verifyCredential } from "@digitalbazaar/vc";
import { z } from "zod";
import type { PublicStatus } from "../domain/badge";
import {
  CREDENTIAL_CONTEXT,
  credentialUrl,
  OB_V3_CONTEXT,
  OB_V3_SCHEMA,
  OB_V3_SCHEMA_TYPE,
  STATUS_MESSAGES,
  STATUS_SIZE,
  VC_V2_CONTEXT,
} from "./model";

export const CREDENTIAL_STATUSES = ["valid", "suspended", "revoked", "expired", "not-yet-valid", "unknown"] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export type CredentialCheck = {
  /** True only when the proof is valid, the credential was issued here and the label is `valid` today. */
  verified: boolean;
  proofValid: boolean;
  issuedHere: boolean;
  status: CredentialStatus;
  reason: string;
  /** The label the credential is about (its `credentialSubject.licenseNumber`), if it names one. */
  labelNumber: string | null;
};

/** What the registry's records say of a label today (`publicStatus`), or null: no such label. */
export type LabelStateOf = (labelNumber: string) => Promise<PublicStatus | null>;

export type VerifyContext = {
  did: string;
  /** The registry's public origin: its credentials' ids start with it. */
  base: string;
  /** The verification method ids of the published keys (the DID document's `assertionMethod`). */
  publishedKeys: readonly string[];
  documentLoader: DocumentLoader;
  labelState: LabelStateOf;
  now: Date;
};

/** JSON nodes (objects, arrays, values) of the largest credential the registry issues is about 90. */
export const MAX_NODES = 400;
const MAX_DEPTH = 8;
/** Wall-clock budget of one canonicalisation (the registry's own: about 10 ms of CPU). */
export const CANONIZE_BUDGET_MS = 200;

export const NOT_OURS = "Not one of our credentials";
export const UNSIGNED_CONTENT = "The document carries unsigned content";

// —— 1. The shape the registry issues ————————————————————————————————————————————————————————————

const text = z.string().min(1).max(2000);
/** An IRI of ours or a URN: never a blank-node id (`_:…`), never an array. */
const iri = z
  .string()
  .max(500)
  .regex(/^(https?:\/\/|urn:)[^\s]+$/);
const instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
const labelNumber = z.string().regex(/^SPP-\d{4}-\d{6}$/);
const index = z.string().regex(/^(0|[1-9]\d{0,5})$/);
const image = z.strictObject({ id: iri, type: z.literal("Image"), caption: text });

const proof = z.strictObject({
  type: z.literal("DataIntegrityProof"),
  cryptosuite: z.literal("eddsa-rdfc-2022"),
  created: instant,
  verificationMethod: z.string().regex(/^did:web:[^\s#]+#z[1-9A-HJ-NP-Za-km-z]{40,60}$/),
  proofPurpose: z.literal("assertionMethod"),
  proofValue: z.string().regex(/^z[1-9A-HJ-NP-Za-km-z]{60,100}$/),
});

const identity = z.strictObject({
  type: z.literal("IdentityObject"),
  identityType: z.enum(["identifier", "ext:structureName"]),
  hashed: z.literal(false),
  identityHash: text,
});

const achievement = (current: boolean) =>
  z.strictObject({
    id: iri,
    type: z.tuple([z.literal("Achievement")]),
    name: text,
    description: text,
    criteria: z.strictObject({ narrative: text }),
    ...(current ? { image, inLanguage: z.literal("fr") } : {}),
    version: text.optional(),
  });

const issuer = z.strictObject({
  id: z.string(),
  type: z.tuple([z.literal("Profile")]),
  name: text,
  url: iri,
  description: text,
});

const common = (current: boolean) => ({
  id: iri,
  type: z.tuple([z.literal("VerifiableCredential"), z.literal("OpenBadgeCredential")]),
  name: text,
  description: text,
  issuer,
  validFrom: instant,
  validUntil: instant,
  awardedDate: instant,
  credentialSubject: z.strictObject({
    ...(current ? { id: iri } : {}),
    type: z.tuple([z.literal("AchievementSubject")]),
    identifier: z.tuple([identity, identity]),
    licenseNumber: labelNumber,
    achievement: achievement(current),
  }),
});

const EXACT_CONTEXT = JSON.stringify(CREDENTIAL_CONTEXT);

/** What the registry issues now (ADR 0006): one 2-bit status entry, a proof set of one. */
const currentShape = z.strictObject({
  "@context": z.unknown().refine((c) => JSON.stringify(c) === EXACT_CONTEXT, "not the registry's @context"),
  ...common(true),
  image,
  credentialSchema: z.tuple([z.strictObject({ id: z.literal(OB_V3_SCHEMA), type: z.literal(OB_V3_SCHEMA_TYPE) })]),
  credentialStatus: z.strictObject({
    id: iri,
    type: z.literal("BitstringStatusListEntry"),
    statusPurpose: z.literal("message"),
    statusListIndex: index,
    statusSize: z.literal(STATUS_SIZE),
    statusMessage: z.tuple(
      STATUS_MESSAGES.map((m) =>
        z.strictObject({ status: z.literal(m.status), message: z.literal(m.message) }),
      ) as never as [z.ZodObject],
    ),
    statusListCredential: iri,
  }),
  proof: z.tuple([proof]),
});

/** What the registry issued before (two one-bit entries, one proof object): still in holders' hands. */
const legacyEntry = (purpose: "revocation" | "suspension") =>
  z.strictObject({
    id: iri,
    type: z.literal("BitstringStatusListEntry"),
    statusPurpose: z.literal(purpose),
    statusListIndex: index,
    statusListCredential: iri,
  });
const legacyShape = z.strictObject({
  "@context": z.tuple([z.literal(VC_V2_CONTEXT), z.literal(OB_V3_CONTEXT)]),
  ...common(false),
  credentialSchema: z.tuple([z.strictObject({ id: z.literal(OB_V3_SCHEMA), type: z.literal("JsonSchema") })]),
  credentialStatus: z.tuple([legacyEntry("revocation"), legacyEntry("suspension")]),
  proof,
});

type Shaped = { number: string; id: string; issuer: string; verificationMethod: string; validFrom: string };

/** Counts JSON nodes up to a bound, and the depth: work on the document is bounded before anything else. */
function withinBounds(doc: unknown): boolean {
  let nodes = 0;
  const walk = (v: unknown, depth: number): boolean => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return false;
    if (Array.isArray(v)) return v.every((x) => walk(x, depth + 1));
    if (v && typeof v === "object") return Object.values(v).every((x) => walk(x, depth + 1));
    return true;
  };
  return walk(doc, 0);
}

/**
 * Whether the document has exactly the shape the registry issues (now, or before the message list).
 * @returns its facts, or why not
 */
export function credentialShape(
  doc: Record<string, unknown>,
): { ok: true; facts: Shaped } | { ok: false; reason: string } {
  if (!withinBounds(doc)) {
    return { ok: false, reason: `${NOT_OURS}: more than ${MAX_NODES} JSON nodes or ${MAX_DEPTH} levels` };
  }
  const legacy = Array.isArray(doc["@context"]) && doc["@context"].length === 2;
  const parsed = (legacy ? legacyShape : currentShape).safeParse(doc);
  if (!parsed.success) {
    const added = parsed.error.issues.find((i) => i.code === "unrecognized_keys");
    if (added) {
      const where = added.path.length > 0 ? ` in ${added.path.join(".")}` : "";
      return { ok: false, reason: `${UNSIGNED_CONTENT}${where}: ${added.keys.join(", ")}` };
    }
    const [first] = parsed.error.issues;
    return { ok: false, reason: `${NOT_OURS}: ${first?.path.join(".") || "the document"} is not as issued` };
  }
  const d = parsed.data;
  const p = Array.isArray(d.proof) ? d.proof[0] : d.proof;
  return {
    ok: true,
    facts: {
      number: d.credentialSubject.licenseNumber,
      id: d.id,
      issuer: d.issuer.id,
      verificationMethod: p.verificationMethod,
      validFrom: d.validFrom,
    },
  };
}

// —— 2. The proof, its work bounded ————————————————————————————————————————————————————————————————

type Cryptosuite = { canonize(input: unknown, options: Record<string, unknown>): Promise<string> };
const suite = cryptosuite as Cryptosuite;
/** The cryptosuite with rdf-canonize's work bounded: no deep iterations beyond n¹, and a time budget. */
const boundedSuite = {
  ...suite,
  canonize: (input: unknown, options: Record<string, unknown>) =>
    suite.canonize(input, { ...options, maxWorkFactor: 1, signal: AbortSignal.timeout(CANONIZE_BUDGET_MS) }),
};

const message = (err: unknown): string => {
  const e = err as { message?: string; errors?: unknown[] } | undefined;
  const inner = e?.errors?.map(message).filter(Boolean) ?? [];
  return inner.length > 0 ? inner.join("; ") : (e?.message ?? String(err));
};

async function proofVerifies(credential: Record<string, unknown>, ctx: VerifyContext, validFrom: string) {
  try {
    const r = await verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite: boundedSuite }),
      documentLoader: ctx.documentLoader,
      // The state comes from the registry's records, not from the document's status entry.
      checkStatus: async () => ({ verified: true }),
      now: validFrom,
    });
    return r.verified ? null : message(r.error ?? r.results);
  } catch (err) {
    return message(err);
  }
}

// —— 3. The registry's facts ——————————————————————————————————————————————————————————————————————

const STATE: Record<PublicStatus, [CredentialStatus, string]> = {
  valid: ["valid", "the registry's records show the label valid today"],
  suspended: ["suspended", "the registry's records show the label suspended today"],
  withdrawn: ["revoked", "the registry's records show the label withdrawn (final)"],
  expired: ["expired", "the registry's records show the label's term ended"],
  none: ["unknown", "the registry has no such label"],
};

export async function checkCredential(doc: Record<string, unknown>, ctx: VerifyContext): Promise<CredentialCheck> {
  const rawIssuer = doc.issuer as { id?: unknown } | string | undefined;
  const issuerId = typeof rawIssuer === "string" ? rawIssuer : typeof rawIssuer?.id === "string" ? rawIssuer.id : null;
  const subject = doc.credentialSubject as { licenseNumber?: unknown } | undefined;
  const named = typeof subject?.licenseNumber === "string" ? subject.licenseNumber : null;
  const answer = (a: Omit<CredentialCheck, "verified">): CredentialCheck => ({
    ...a,
    verified: a.proofValid && a.issuedHere && a.status === "valid",
  });
  if (issuerId !== ctx.did) {
    return answer({
      proofValid: false,
      issuedHere: false,
      status: "unknown",
      labelNumber: named,
      reason: `Issued by ${issuerId ?? "no issuer"}, not by this registry (${ctx.did}): not checked`,
    });
  }
  const refused = (reason: string) =>
    answer({ proofValid: false, issuedHere: true, status: "unknown", labelNumber: named, reason });

  const shape = credentialShape(doc);
  if (!shape.ok) return refused(shape.reason);
  const f = shape.facts;
  if (f.id !== credentialUrl(ctx.base, f.number)) {
    return refused(`${NOT_OURS}: its id is not the credential URL of label ${f.number}`);
  }
  if (!ctx.publishedKeys.includes(f.verificationMethod)) {
    return refused(`${NOT_OURS}: signed with ${f.verificationMethod}, a key the registry does not publish`);
  }
  const today = await ctx.labelState(f.number);
  if (!today || today === "none") return refused(`${NOT_OURS}: the registry has no label ${f.number}`);

  const failure = await proofVerifies(doc, ctx, f.validFrom);
  const [status, why] = STATE[today];
  if (failure) {
    return answer({
      proofValid: false,
      issuedHere: true,
      status,
      labelNumber: f.number,
      reason: `The proof does not verify (${failure}); ${why}`,
    });
  }
  const notYet = ctx.now < new Date(f.validFrom) && status === "valid";
  return answer({
    proofValid: true,
    issuedHere: true,
    status: notYet ? "not-yet-valid" : status,
    labelNumber: f.number,
    reason: notYet
      ? `The proof verifies; it is valid from ${f.validFrom}`
      : `The proof verifies with the registry's key; ${why}`,
  });
}
