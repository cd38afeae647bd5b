/**
 * Request and response schemas shared across routers. Field descriptions live here, so the
 * OpenAPI document and the validation are one.
 */
import { z } from "@hono/zod-openapi";
import { cleanText, refuseHiddenCharacters } from "../domain/clean-text";
import {
  CATEGORIES,
  CODE_SP_PATTERN,
  DEPARTMENT_PATTERN,
  EMAIL_PATTERN,
  isSiret,
  LABEL_NUMBER_PATTERN,
  POSTCODE_PATTERN,
  RESERVED_CODES,
} from "../domain/identifiers";

/** `word` in any case, as a regular expression JSON Schema can say (no `i` flag there). */
const anyCase = (word: string) => [...word].map((ch) => `[${ch.toUpperCase()}${ch.toLowerCase()}]`).join("");

/**
 * `isCodeSp` as one regular expression (CODE_SP_PATTERN, minus whatever LABEL_NUMBER_PATTERN
 * matches and the reserved words), so that the document's `pattern` says the whole rule;
 * test/identifiers.test.ts checks that both always agree.
 */
export const CODE_SP_ONLY_PATTERN = new RegExp(
  // Without regard to case, as public references are read: `spp-2026-000001` is a label number too.
  `^(?!${LABEL_NUMBER_PATTERN.source.slice(1, -1).replace("SPP", anyCase("SPP"))}$)` +
    `(?!(?:${RESERVED_CODES.map(anyCase).join("|")})$)${CODE_SP_PATTERN.source.slice(1)}`,
);

export const CodeSp = z
  .string()
  .max(40)
  .regex(
    CODE_SP_ONLY_PATTERN,
    "Code SP+: 1–40 letters, digits, '.', '_' or '-', not shaped like a label number, not a reserved word",
  )
  .openapi({
    description:
      "Code SP+ of the structure (« code_sp_de_la_structure »): 1–40 letters, digits, `.`, `_` or `-`, " +
      "starting with a letter or digit, never shaped like a label number `SPP-YYYY-NNNNNN` in any case, and " +
      `never a word the API's paths use beside a reference (${RESERVED_CODES.map((w) => `\`${w}\``).join(", ")}, in any case)`,
    example: "DEMO-PREF-01",
  });

export const LabelNumber = z
  .string()
  .max(15)
  .regex(LABEL_NUMBER_PATTERN, "A label number is SPP-YYYY-NNNNNN")
  .openapi({ description: "Label number `SPP-YYYY-NNNNNN`, as issued by the registry", example: "SPP-2026-000001" });

export const Siret = z
  .string()
  .regex(/^\d{14}$/, "SIRET is 14 digits")
  .refine(isSiret, "SIRET check digit is wrong")
  .openapi({
    description:
      "SIRET: 14 digits whose Luhn checksum is valid; INSEE's exception for La Poste (SIREN 356000000, " +
      "the 14 digits sum to a multiple of 5) is accepted. A wrong check digit answers 422.",
    example: "11000201100044",
  });

export const Day = z.iso.date().openapi({ description: "A day, YYYY-MM-DD", example: "2026-03-31" });

export const Email = z
  .string()
  .max(254)
  .regex(EMAIL_PATTERN, "An e-mail address such as name@domain.fr")
  .openapi({
    format: "email",
    description:
      "An e-mail address: dot-separated atoms of letters, digits and `_ ' + -`, `@`, then a domain whose " +
      "labels are letters and digits (inner hyphens allowed) ending in a TLD of 2+ letters",
    example: "qualite@demo.example",
  });

export const Url = z
  .string()
  .max(2048)
  // Checked before parsing: the URL parser would silently drop a tab or a line break.
  .superRefine(refuseHiddenCharacters)
  .pipe(z.url({ protocol: /^https?$/ }))
  .openapi({ format: "uri", example: "https://demo.example" });

export const Contact = z
  .object({
    email: Email,
    name: cleanText(200).optional().openapi({ example: "Camille Exemple" }),
    role: cleanText(200).optional().openapi({ example: "Référente qualité" }),
  })
  .strict()
  .openapi("Contact", { description: "A person to notify (never published)" });

export const StructureFields = {
  name: cleanText(300).openapi({ description: "Intitulé de la structure", example: "Préfecture de démonstration" }),
  network: cleanText(200).openapi({ description: "Réseau (e.g. Préfectures, CAF, Urssaf)", example: "Préfectures" }),
  typology: cleanText(200).optional().openapi({ description: "Intitulé de la typologie", example: "Accueil physique" }),
  category: z
    .enum(CATEGORIES)
    .openapi({ description: "Category of public service in scope of the label", example: "service_deconcentre_etat" }),
  parentCode: CodeSp.optional().openapi({
    description: "Code SP+ of the parent structure (networks are hierarchical)",
    example: "DEMO-PREF",
  }),
  siret: Siret.optional(),
  postcode: z
    .string()
    .regex(POSTCODE_PATTERN, "French postcode: 5 digits, 01000–98999")
    .openapi({ description: "French postcode: 5 digits, 01000–98999", example: "13001" }),
  city: cleanText(200).openapi({ example: "Marseille" }),
  department: z
    .string()
    .regex(DEPARTMENT_PATTERN, "Department code: 01–95, 2A, 2B or 971–976")
    .openapi({ description: "INSEE department code: 01–95 with 2A and 2B (no 20), or 971–976", example: "13" }),
  region: cleanText(200).optional().openapi({ example: "Provence-Alpes-Côte d'Azur" }),
  website: Url.optional(),
  contacts: z.array(Contact).min(1).max(20).openapi({ description: "Who receives reminders; never published" }),
  auditFunded: z
    .boolean()
    .optional()
    .openapi({
      description:
        "The DITP funds this structure's audit (set by an administrator). Counted in the public figures " +
        "(/chiffres); shown per structure only if the publication policy says so. Default false.",
      example: true,
    }),
};

export const StructureCreate = z
  .object({ code: CodeSp, ...StructureFields })
  .strict()
  .openapi("StructureCreate", {
    description: "`parentCode`, when given, differs from `code` (422 `unprocessable` otherwise).",
  });

export const StructurePatch = z
  .object(StructureFields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change")
  .openapi("StructurePatch", {
    minProperties: 1,
    description: "At least one field; the fields not sent stay as they are",
  });

export const Structure = z
  .object({
    code: CodeSp,
    ...StructureFields,
    typology: z.string().nullable(),
    parentCode: z.string().nullable(),
    siret: z.string().nullable(),
    region: z.string().nullable(),
    website: z.string().nullable(),
    auditFunded: z.boolean().openapi({ description: "The DITP funds this structure's audit", example: false }),
    certifier: z
      .object({ id: z.string(), name: z.string(), contractRef: z.string() })
      .nullable()
      .openapi({ description: "The assigned certification body, if any" }),
    createdAt: z.string().openapi({ example: "2026-11-27T09:00:00.000Z" }),
    updatedAt: z.string().openapi({ example: "2026-11-27T09:00:00.000Z" }),
  })
  .openapi("Structure");

/** Which body a structure chose, under which contract (PUT /v1/structures/{code}/certifier, and the back-office). */
export const Assignment = z
  .object({
    certifierId: z.string().min(1).max(64).openapi({ example: "oc_abcdefghijklmnop" }),
    contractRef: cleanText(200).openapi({
      description: "Marché / contract reference",
      example: "MARCHE-2026-042",
    }),
  })
  .strict()
  .openapi("Assignment");

export const HabilitationStatus = z
  .enum(["active", "suspended", "revoked"])
  .openapi({ description: "Set by the commission nationale du label", example: "active" });

const Habilitation = z
  .object({
    from: Day.openapi({ description: "Habilitated from (may be in the past)", example: "2024-01-01" }),
    until: Day.openapi({ description: "Habilitated until (inclusive)", example: "2028-12-31" }),
    status: HabilitationStatus.optional(),
  })
  .strict()
  .openapi({ description: "`until` must be on or after `from` (422 at `habilitation.until` otherwise)" });

const CertifierFields = {
  name: cleanText(300).openapi({ example: "Organisme de certification de démonstration" }),
  siret: Siret.optional(),
  contactEmail: Email,
  habilitation: Habilitation,
};

export const CertifierCreate = z.object(CertifierFields).strict().openapi("CertifierCreate");

export const CertifierPatch = z
  .object({ ...CertifierFields, habilitation: Habilitation.partial().strict() })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change")
  .openapi("CertifierPatch", {
    minProperties: 1,
    description:
      "At least one field; the fields not sent stay as they are. The habilitation after the change must " +
      "still have `until` on or after `from` (422 at `habilitation.until` otherwise).",
  });

export const Certifier = z
  .object({
    id: z.string().openapi({ example: "oc_abcdefghijklmnop" }),
    name: z.string(),
    siret: z.string().nullable(),
    contactEmail: z.string(),
    habilitation: z.object({ from: Day, until: Day, status: HabilitationStatus }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Certifier");

export const CertifierWithSecrets = Certifier.extend({
  apiKey: z.string().openapi({ description: "Shown this once; only its hash is stored", example: "spp_…" }),
  webhookSecret: z
    .string()
    .openapi({ description: "Standard Webhooks signing secret, shown this once", example: "whsec_…" }),
}).openapi("CertifierWithSecrets");

const keyName = cleanText(200).optional().openapi({ example: "import script" });

/**
 * Role `admin` ⇒ no `certifierId`; role `certifier` ⇒ `certifierId`: said by the schema itself (`oneOf`
 * on `role`), so a client's validator knows it too. A missing or extra `certifierId` is a 422 naming it.
 */
export const ApiKeyCreate = z
  .discriminatedUnion("role", [
    z
      .object({ role: z.literal("admin"), name: keyName })
      .strict()
      .openapi("ApiKeyCreateAdmin", { description: "An admin key: it belongs to no body (no `certifierId`)" }),
    z
      .object({
        role: z.literal("certifier"),
        certifierId: z
          .string()
          .min(1)
          .max(64)
          .openapi({ description: "The id of a registered certification body (404 otherwise)", example: "oc_demo" }),
        name: keyName,
      })
      .strict()
      .openapi("ApiKeyCreateCertifier", { description: "A key for a certification body" }),
  ])
  .openapi("ApiKeyCreate", {
    description:
      "Role `admin` ⇒ no `certifierId`; role `certifier` ⇒ `certifierId` of a registered body " +
      "(422 at `certifierId` otherwise; 404 when the body does not exist).",
  });

export const ApiKey = z
  .object({
    id: z.string().openapi({ example: "key_abcdefghijklmnop" }),
    prefix: z.string().openapi({ description: "First characters, to recognise the key", example: "spp_Ab3dE_" }),
    role: z.enum(["admin", "certifier"]),
    certifierId: z.string().nullable(),
    name: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

/** The optional body of a secret rotation, for a body's webhook secret and a subscription's alike. */
export const RotateSecret = z
  .object({
    revokePrevious: z.boolean().optional().openapi({
      description: "End every previous secret now instead of after the grace period",
      example: true,
    }),
  })
  .strict()
  .openapi("RotateSecret");
