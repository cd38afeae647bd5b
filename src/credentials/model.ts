/**
 * What the registry's verifiable credentials say, built from a label's facts: the Open Badges 3.0
 * `OpenBadgeCredential` of a label, and the W3C `BitstringStatusListCredential` of a status list —
 * unsigned (src/credentials/sign.ts adds the proof). Pure apart from the list's GZIP encoding.
 * @see https://www.imsglobal.org/spec/ob/v3p0/ (Open Badges 3.0)
 * @see https://www.w3.org/TR/vc-data-model-2.0/ and https://www.w3.org/TR/vc-bitstring-status-list/
 * @see docs/adr/0006-verifiable-credentials.md
 */
import { BitstringStatusList } from "@digitalbazaar/vc-bitstring-status-list";
import type { StatusPurpose, Tier } from "../db/schema";
import { TIER_NAMES } from "../domain/badge";
import { addDays } from "../domain/label-dates";
import { nextParisMidnight } from "../domain/paris-time";

export const VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
export const OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/** OB 3.0's extensions context: it defines `1EdTechJsonSchemaValidator2019`, the type of `credentialSchema`. */
export const OB_V3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/**
 * The two terms of a 2-bit status entry, defined as VC 2.0's context defines them (same IRIs, so the same
 * signed data): verifiers that embed an earlier VC 2.0 context without them (DIDKit's `ssi`) otherwise
 * refuse the credential for an undefined term (ADR 0006).
 */
export const STATUS_TERMS_CONTEXT = {
  statusSize: {
    "@id": "https://www.w3.org/ns/credentials/status#statusSize",
    "@type": "https://www.w3.org/2001/XMLSchema#integer",
  },
  statusMessage: {
    "@id": "https://www.w3.org/ns/credentials/status#statusMessage",
    "@context": {
      message: "https://www.w3.org/ns/credentials/status#message",
      status: "https://www.w3.org/ns/credentials/status#status",
    },
  },
} as const;
/** The `@context` of every credential the registry issues now, exactly (the verifier requires it). */
export const CREDENTIAL_CONTEXT = [
  VC_V2_CONTEXT,
  OB_V3_CONTEXT,
  OB_V3_EXTENSIONS_CONTEXT,
  STATUS_TERMS_CONTEXT,
] as const;
/** The OB 3.0 JSON Schema of an achievement credential, as OB 3.0 names it in `credentialSchema`. */
export const OB_V3_SCHEMA =
  "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";
/** The validator type OB 3.0 names for that schema. */
export const OB_V3_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019";

/** Entries per status list: the W3C minimum (16 KiB of bits), so that one entry hides among many. */
export const STATUS_LIST_LENGTH = 131_072;
/**
 * The label's state in its one status entry (`statusPurpose: "message"`): two bits per label, read as a
 * number (most significant bit first) and named by `statusMessage`. Withdrawn is final, suspended may be
 * lifted; expiry needs no value (`validUntil`). ADR 0006 says why one 2-bit entry rather than two lists.
 */
export const STATUS_SIZE = 2;
export const STATUS_MESSAGES = [
  { status: "0x0", message: "valid" },
  { status: "0x1", message: "suspended" },
  { status: "0x2", message: "withdrawn" },
] as const;

/** Seconds a status list may be kept before it is fetched again (its `ttl`, and its max-age). */
export const STATUS_LIST_TTL_SECONDS = 300;

export type Issuer = { did: string; base: string };

export type LabelFacts = {
  number: string;
  tier: Tier;
  awardedOn: string;
  expiresOn: string;
  structure: { code: string; name: string };
  /** The référentiel the decision was taken under (null for labels recorded without a decision). */
  referential: { version: string; official: boolean } | null;
  entry: { list: string; index: number };
};

/** An instant as VC dates write it: UTC, to the second. */
const instant = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** The instant a French day starts (midnight in Europe/Paris). */
function parisStartOf(day: string): Date {
  return nextParisMidnight(new Date(`${addDays(day, -1)}T12:00:00Z`));
}

export const credentialUrl = (base: string, labelNumber: string) =>
  `${base}/v1/public/labels/${labelNumber}/credential`;
export const statusListUrl = (base: string, purpose: StatusPurpose, list: string) =>
  `${base}/status/${purpose}/${list}`;
/** The verification page of a structure: the credential's subject (ADR 0006). */
export const verificationPageUrl = (base: string, code: string) => `${base}/verify/${encodeURIComponent(code)}`;
/** The tier's picture, served by the registry (src/routes/badge.ts). */
export const tierPictureUrl = (base: string, tier: Tier) => `${base}/badge/palier/${tier}.svg`;

/**
 * The year whose status lists a label's entry goes to (`SPP-2026-…` → `2026`): its list is the first of
 * that year with room (`2026`, then `2026-2`…: src/db/credentials.ts openListOfYear), stored with its place.
 */
export const listOfLabel = (labelNumber: string) => labelNumber.slice(4, 8);

/** The issuer, as an OB 3.0 `Profile` (embedded in each credential, and served on its own). */
export function issuerProfile(issuer: Issuer) {
  return {
    id: issuer.did,
    type: ["Profile"],
    name: "Registre du label « Services Publics + » (DITP)",
    url: issuer.base,
    description:
      "Registre des labels « Services Publics + » tenu pour la Direction interministérielle de la " +
      "transformation publique : il délivre et signe les attestations vérifiables des labels.",
  };
}

/** The achievement a tier stands for, under the référentiel the label was decided with. */
function achievement(tier: Tier, referential: LabelFacts["referential"], issuer: Issuer) {
  const name = TIER_NAMES[tier];
  const rules = referential
    ? `le référentiel « ${referential.version} »${
        referential.official ? "" : " — un exemple illustratif, non officiel : ses seuils ne sont pas ceux du programme"
      }`
    : "un référentiel non renseigné";
  return {
    id: referential
      ? `urn:services-publics-plus:referentiel:${referential.version}:palier:${tier}`
      : `urn:services-publics-plus:palier:${tier}`,
    type: ["Achievement"],
    name: `Label « Services Publics + » — palier ${name}`,
    description:
      "Label de qualité de service des services publics (arrêté du 31 août 2023), piloté par la DITP : " +
      `le palier ${name} distingue une structure sur les 8 engagements du programme Services Publics+.`,
    criteria: {
      narrative:
        `Palier ${name} attribué par un organisme de certification habilité, au vu d'un audit externe, ` +
        `d'une enquête usagers et d'une enquête agents, selon ${rules}.`,
    },
    image: tierPicture(tier, issuer),
    inLanguage: "fr",
    ...(referential ? { version: referential.version } : {}),
  };
}

/** The tier's picture as OB 3.0 writes an image. */
const tierPicture = (tier: Tier, issuer: Issuer) => ({
  id: tierPictureUrl(issuer.base, tier),
  type: "Image",
  caption: `Label « Services Publics + » — palier ${TIER_NAMES[tier]}`,
});

/** The unsigned Open Badges 3.0 credential of a label. */
export function labelCredential(f: LabelFacts, issuer: Issuer) {
  const tier = TIER_NAMES[f.tier];
  const validFrom = instant(parisStartOf(f.awardedOn));
  // The end of the last valid day, in France: one second before the next day starts.
  const validUntil = instant(new Date(parisStartOf(addDays(f.expiresOn, 1)).getTime() - 1000));
  const list = statusListUrl(issuer.base, "message", f.entry.list);
  return {
    "@context": [...CREDENTIAL_CONTEXT],
    id: credentialUrl(issuer.base, f.number),
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: `Label « Services Publics + » — ${tier} — ${f.structure.name}`,
    description:
      `Attestation vérifiable du label « Services Publics + » n° ${f.number}, palier ${tier}, attribué le ` +
      `${f.awardedOn} à ${f.structure.name} (Code SP+ ${f.structure.code}), valable jusqu'au ${f.expiresOn} ` +
      "inclus. Sa suspension ou son retrait se lisent dans la liste de statut du registre.",
    image: tierPicture(f.tier, issuer),
    issuer: issuerProfile(issuer),
    validFrom,
    validUntil,
    awardedDate: validFrom,
    credentialSubject: {
      id: verificationPageUrl(issuer.base, f.structure.code),
      type: ["AchievementSubject"],
      identifier: [
        { type: "IdentityObject", identityType: "identifier", hashed: false, identityHash: f.structure.code },
        { type: "IdentityObject", identityType: "ext:structureName", hashed: false, identityHash: f.structure.name },
      ],
      licenseNumber: f.number,
      achievement: achievement(f.tier, f.referential, issuer),
    },
    credentialSchema: [{ id: OB_V3_SCHEMA, type: OB_V3_SCHEMA_TYPE }],
    credentialStatus: {
      id: `${list}#${f.entry.index}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "message",
      statusListIndex: String(f.entry.index),
      statusSize: STATUS_SIZE,
      statusMessage: STATUS_MESSAGES.map((m) => ({ ...m })),
      statusListCredential: list,
    },
  };
}

/**
 * The unsigned status list credential with these bits set, issued `now`. The `message` list has
 * `STATUS_SIZE` bits per entry (src/db/credentials.ts `setBitsQuery` says which); `revocation` and
 * `suspension`, one: they are kept for the credentials handed out before the message list (ADR 0006).
 */
export async function statusListCredential(
  purpose: StatusPurpose,
  list: string,
  setBits: readonly number[],
  issuer: Issuer,
  now: Date,
) {
  const bits = new BitstringStatusList({ length: STATUS_LIST_LENGTH * (purpose === "message" ? STATUS_SIZE : 1) });
  for (const i of setBits) bits.setStatus(i, true);
  const id = statusListUrl(issuer.base, purpose, list);
  return {
    "@context": [VC_V2_CONTEXT],
    id,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: issuer.did,
    validFrom: instant(now),
    credentialSubject: {
      id: `${id}#list`,
      type: "BitstringStatusList",
      statusPurpose: purpose,
      encodedList: await bits.encode(),
      ttl: STATUS_LIST_TTL_SECONDS * 1000,
    },
  };
}
