/**
 * Request and response schemas shared across routers. Field descriptions live here, so the
 * OpenAPI document and the validation are one.
 */
import { z } from "@hono/zod-openapi";
import { cleanText, refuseHiddenCharacters } from "../domain/clean-text";
import { CATEGORIES, isCodeSp, isDepartment, isPostcode, isSiret } from "../domain/identifiers";

export const CodeSp = z
  .string()
  .refine(isCodeSp, "Code SP+: 1–40 letters, digits, '.', '_' or '-', not shaped like a label number")
  .openapi({ description: "Code SP+ of the structure (« code_sp_de_la_structure »)", example: "DEMO-PREF-13" });

export const Siret = z
  .string()
  .regex(/^\d{14}$/, "SIRET is 14 digits")
  .refine(isSiret, "SIRET check digit is wrong")
  .openapi({
    description: "SIRET, 14 digits, Luhn-checked (La Poste's INSEE exception accepted)",
    example: "11000201100044",
  });

export const Day = z.iso.date().openapi({ description: "A day, YYYY-MM-DD", example: "2026-03-31" });

export const Email = z.email().max(254).openapi({ example: "qualite@demo.example" });

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
  postcode: z.string().refine(isPostcode, "French postcode: 5 digits, 01000–98999").openapi({ example: "13001" }),
  city: cleanText(200).openapi({ example: "Marseille" }),
  department: z
    .string()
    .refine(isDepartment, "Department code: 01–95, 2A, 2B or 971–976")
    .openapi({ description: "INSEE department code", example: "13" }),
  region: cleanText(200).optional().openapi({ example: "Provence-Alpes-Côte d'Azur" }),
  website: Url.optional(),
  contacts: z.array(Contact).min(1).max(20).openapi({ description: "Who receives reminders; never published" }),
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
  .openapi("StructurePatch");

export const Structure = z
  .object({
    code: CodeSp,
    ...StructureFields,
    typology: z.string().nullable(),
    parentCode: z.string().nullable(),
    siret: z.string().nullable(),
    region: z.string().nullable(),
    website: z.string().nullable(),
    certifier: z
      .object({ id: z.string(), name: z.string(), contractRef: z.string() })
      .nullable()
      .openapi({ description: "The assigned certification body, if any" }),
    createdAt: z.string().openapi({ example: "2026-11-27T09:00:00.000Z" }),
    updatedAt: z.string().openapi({ example: "2026-11-27T09:00:00.000Z" }),
  })
  .openapi("Structure");

export const HabilitationStatus = z
  .enum(["active", "suspended", "revoked"])
  .openapi({ description: "Set by the commission nationale du label", example: "active" });

const Habilitation = z
  .object({
    from: Day.openapi({ description: "Habilitated from (may be in the past)", example: "2024-01-01" }),
    until: Day.openapi({ description: "Habilitated until (inclusive)", example: "2028-12-31" }),
    status: HabilitationStatus.optional(),
  })
  .strict();

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
  .openapi("CertifierPatch");

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
