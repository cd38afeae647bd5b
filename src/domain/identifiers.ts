/**
 * French identifiers and codes, checked as the administrations that issue them document them.
 * Pure functions: no I/O, usable from schemas, seeds and tests alike.
 */

/**
 * Code SP+ (« code_sp_de_la_structure » in the DITP's export-structures). Its format is not
 * published, so only what makes it usable as a key is enforced: 1–40 letters, digits, `.`, `_`, `-`,
 * starting with a letter or digit, and never shaped like a label number (which shares the ref space).
 */
export const CODE_SP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const LABEL_NUMBER_PATTERN = /^SPP-\d{4}-\d{6}$/;

/**
 * Literal path segments that stand where a reference does (`POST /v1/public/labels/verify` beside
 * `GET /v1/public/labels/{ref}`): never a Code SP+, in any case, or a structure so coded would be
 * unreachable by its public answer. test/http.test.ts derives the list from the route table.
 */
export const RESERVED_CODES = ["verify"] as const;

export function isCodeSp(value: string): boolean {
  // Public references are matched without regard to case: `spp-2026-000001` would read as a label number.
  return (
    CODE_SP_PATTERN.test(value) &&
    !LABEL_NUMBER_PATTERN.test(value.toUpperCase()) &&
    !(RESERVED_CODES as readonly string[]).includes(value.toLowerCase())
  );
}

/** Luhn checksum, as used by INSEE for SIREN and SIRET. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** SIREN of La Poste, whose establishments' SIRET do not follow Luhn. */
const LA_POSTE_SIREN = "356000000";

/**
 * SIRET: 14 digits with a Luhn check digit. INSEE documents one exception: La Poste's
 * establishments (SIREN 356000000) are numbered so that the sum of the 14 digits is a multiple of 5.
 * @see https://www.insee.fr/fr/metadonnees/definition/c1841 (SIRET)
 */
export function isSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  if (luhn(value)) return true;
  if (value.startsWith(LA_POSTE_SIREN)) {
    let sum = 0;
    for (const ch of value) sum += ch.charCodeAt(0) - 48;
    return sum % 5 === 0;
  }
  return false;
}

/**
 * French postcode: five digits, from 01000 to 98999 (97xxx overseas departments,
 * 98xxx Monaco and overseas collectivities). 00xxx and 99xxx do not exist.
 */
export const POSTCODE_PATTERN = /^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$/;

export function isPostcode(value: string): boolean {
  return POSTCODE_PATTERN.test(value);
}

/**
 * Department code as INSEE writes it: 01–19, 2A, 2B, 21–95 (no 20 since 1976), and the overseas
 * departments 971–976.
 */
export const DEPARTMENT_PATTERN = /^(?:0[1-9]|1\d|2[AB1-9]|[3-8]\d|9[0-5]|97[1-6])$/;

export function isDepartment(value: string): boolean {
  return DEPARTMENT_PATTERN.test(value);
}

/**
 * The e-mail addresses the registry accepts: dot-separated atoms of letters, digits and `_ ' + -`,
 * then a domain of letter-or-digit labels (inner hyphens only) ending in a TLD of 2+ letters. Narrower
 * than RFC 5321 (no quoted local parts, no IP literals, no internationalised domains in Unicode form),
 * so every address it accepts is also a JSON Schema `format: email`: the OpenAPI document carries
 * this pattern, and a client that checks it agrees with the registry. With RFC 5321's lengths
 * (§4.5.3.1): a local part of at most 64 octets (these characters are one octet each), domain labels
 * of at most 63 (RFC 1035); the whole address at most 254 (the schema's `maxLength`).
 */
export const EMAIL_PATTERN =
  /^(?=[^@]{1,64}@)[A-Za-z0-9_'+-]+(?:\.[A-Za-z0-9_'+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Who is in scope of the label (DOMAIN.md « Who is in scope »). */
export const CATEGORIES = [
  "service_central_etat",
  "service_deconcentre_etat",
  "etablissement_public_etat",
  "eple",
  "organisme_securite_sociale",
  "etablissement_public_sante",
  "collectivite_territoriale",
  "etablissement_public_local",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  service_central_etat: "Service central de l'État",
  service_deconcentre_etat: "Service déconcentré de l'État",
  etablissement_public_etat: "Établissement public de l'État",
  eple: "EPLE (lycée, collège)",
  organisme_securite_sociale: "Organisme de sécurité sociale",
  etablissement_public_sante: "Établissement public de santé",
  collectivite_territoriale: "Collectivité territoriale (adhésion volontaire)",
  etablissement_public_local: "Établissement public local (adhésion volontaire)",
};
