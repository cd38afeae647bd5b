/**
 * The back-office's words for a refusal, French by construction. The API answers developers in English
 * (`detail`, `errors[].message`); a page never shows those sentences. What a page shows comes from
 * French tables only:
 * - the problem's code (a closed set) gives the title and a French explanation;
 * - a field error gives the field's French name, and a French sentence chosen from its zod issue
 *   (the form's own validation) or from the field and a known rule of the registry;
 * - a known refusal of the registry's rules (`KNOWN`) gives a more precise French sentence, where the
 *   only things taken from the English text are identifiers and dates (matched as such).
 * Whatever is not known falls back to the French sentence of its code or field: never to the English.
 */

import { STATUS_NAMES, shortFrenchDate, TIER_NAMES, type Tier } from "../../domain/badge";
import { frenchNumber } from "../../domain/french";
import { ApiError, fieldErrors, type ProblemCode } from "../../lib/errors";
import { PROBLEM_DOCS } from "../../lib/problem-docs";
import { MISSING_REASONS } from "./rules";

export type FrenchFieldError = { path: string; field: string; message: string };
export type FrenchRefusal = {
  code: ProblemCode;
  status: number;
  title: string;
  detail: string;
  errors: FrenchFieldError[];
  /** The first message for each path, to show next to its input. */
  by: Record<string, string>;
};

/** What each field is called on the back-office's forms (by its path in the API's body). */
const FIELD_NAMES: Record<string, string> = {
  body: "Formulaire",
  code: "Code SP+",
  name: "Nom",
  network: "Réseau",
  typology: "Typologie",
  category: "Catégorie",
  parentCode: "Code SP+ de la structure parente",
  siret: "SIRET",
  postcode: "Code postal",
  city: "Commune",
  department: "Département",
  region: "Région",
  website: "Site web",
  auditFunded: "Audit financé par la DITP",
  contacts: "Contacts",
  contactEmail: "Adresse électronique de contact",
  email: "Adresse électronique",
  role: "Rôle",
  certifierId: "Organisme de certification",
  contractRef: "Référence du marché",
  decision: "Décision",
  tier: "Palier",
  decidedOn: "Date de la décision",
  justification: "Justification",
  reason: "Motif",
  effectiveOn: "Date d'effet",
  "habilitation.from": "Habilitée à partir du",
  "habilitation.until": "Habilitée jusqu'au",
  "habilitation.status": "État de l'habilitation",
  habilitationStatus: "État de l'habilitation",
  url: "Adresse de réception",
  watch: "Ce qui est suivi",
  "watch.structureCode": "Code SP+ suivi",
  "watch.network": "Réseau suivi",
  "watch.department": "Département suivi",
  status: "État",
  revokePrevious: "Révoquer les secrets précédents",
  q: "Recherche",
  cursor: "Page",
  expiresWithin: "Échéance",
  type: "Type",
  kind: "Sorte",
  token: "Jeton",
};

/** A field's French name; `contacts.0.email` is « Contact 1 : adresse électronique ». */
export function fieldName(path: string): string {
  const contact = /^contacts\.(\d+)\.(email|name|role)$/.exec(path);
  if (contact) {
    const what = { email: "adresse électronique", name: "nom", role: "fonction" }[contact[2] as "email"];
    return `Contact ${Number(contact[1]) + 1} : ${what}`;
  }
  const evaluation = /^evaluation\.(audit|usagers|agents)$/.exec(path);
  if (evaluation) return EVALUATION_INPUTS[evaluation[1] as "audit"];
  return FIELD_NAMES[path] ?? FIELD_NAMES[path.replace(/^data\./, "")] ?? "Champ du formulaire";
}

const EVALUATION_INPUTS = { audit: "Audit", usagers: "Enquête usagers", agents: "Enquête agents" };

/** What a field must look like, for the fields with a format of their own. */
const FIELD_RULES: Record<string, string> = {
  code: "Un code SP+ : 1 à 40 lettres, chiffres, « . », « _ » ou « - », différent d'un numéro de label (SPP-AAAA-NNNNNN).",
  parentCode:
    "Un code SP+ : 1 à 40 lettres, chiffres, « . », « _ » ou « - », différent d'un numéro de label (SPP-AAAA-NNNNNN).",
  "watch.structureCode":
    "Un code SP+ : 1 à 40 lettres, chiffres, « . », « _ » ou « - », différent d'un numéro de label (SPP-AAAA-NNNNNN).",
  siret: "14 chiffres, dont le dernier est la clé de contrôle du numéro (les espaces sont ignorés).",
  postcode: "Un code postal français : 5 chiffres, de 01000 à 98999.",
  department: "Un code de département : 01 à 95, 2A, 2B ou 971 à 976 (« 1 » se lit 01).",
  "watch.department": "Un code de département : 01 à 95, 2A, 2B ou 971 à 976 (« 1 » se lit 01).",
  email: "Une adresse électronique telle que nom@domaine.fr.",
  contactEmail: "Une adresse électronique telle que nom@domaine.fr.",
  website: "Une adresse web complète, commençant par https://.",
  url: "Une adresse web complète, commençant par https://, sur un nom de domaine public.",
  decidedOn: "Une date (jour, mois, année).",
  effectiveOn: "Une date (jour, mois, année).",
  "habilitation.from": "Une date (jour, mois, année).",
  "habilitation.until": "Une date (jour, mois, année).",
  category: "Choisissez une des catégories proposées.",
  decision: "Choisissez « Attribuer » ou « Refuser ».",
  tier: "Choisissez Bronze, Argent ou Or.",
  role: "Choisissez « Administration » ou « Organisme ».",
  status: "Choisissez une des valeurs proposées.",
  certifierId: "Choisissez un organisme de certification enregistré.",
  auditFunded: "Choisissez « oui » ou « non ».",
};

const ruleOf = (path: string) => {
  if (/^contacts\.\d+\.email$/.test(path)) return FIELD_RULES.email;
  return FIELD_RULES[path] ?? FIELD_RULES[path.replace(/^data\./, "")];
};

/** The parts of a zod issue the sentences use (zod 4's issue shape). */
export type Issue = {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  keys?: string[];
  expected?: string;
};

const plural = (n: number, one: string, many: string) => `${frenchNumber(n)} ${n > 1 ? many : one}`;

/** One zod issue of a form, as French field errors (an unknown key gives one error per key). */
export function frenchIssue(issue: Issue): FrenchFieldError[] {
  const at = issue.path.map(String).join(".");
  const path = at || "body";
  const one = (message: string, p = path): FrenchFieldError => ({ path: p, field: fieldName(p), message });
  const n = Number(issue.minimum ?? issue.maximum ?? 0);
  switch (issue.code) {
    case "unrecognized_keys":
      return (issue.keys ?? []).map((k) => one("Ce champ n'est pas attendu ici.", [at, k].filter(Boolean).join(".")));
    case "invalid_type":
      return [
        one(issue.expected === "array" || issue.expected === "object" ? "Ce champ est mal formé." : "À renseigner."),
      ];
    case "too_small":
      if (issue.origin === "string")
        return [one(n <= 1 ? "À renseigner." : `Au moins ${plural(n, "caractère", "caractères")}.`)];
      if (issue.origin === "array")
        return [one(path === "contacts" ? "Au moins un contact." : `Au moins ${plural(n, "élément", "éléments")}.`)];
      return [one(`Au moins ${frenchNumber(n)}.`)];
    case "too_big":
      if (issue.origin === "string") return [one(`Au plus ${plural(n, "caractère", "caractères")}.`)];
      if (issue.origin === "array") return [one(`Au plus ${plural(n, "élément", "éléments")}.`)];
      return [one(`Au plus ${frenchNumber(n)}.`)];
    case "invalid_value":
    case "invalid_union":
      return [one(ruleOf(path) ?? "Choisissez une des valeurs proposées.")];
    case "invalid_format":
      return [one(ruleOf(path) ?? FORMATS[issue.format ?? ""] ?? "Ce format n'est pas accepté.")];
    default:
      // `custom`: a refinement. At the root, the patch's « at least one field »; on a text, the clean-text
      // rule (src/domain/clean-text.ts) unless the field has a format of its own (the SIRET's check digit).
      if (!at) return [one("Aucune modification : renseignez au moins un champ à changer.")];
      return [one(ruleOf(path) ?? CLEAN_TEXT)];
  }
}

const CLEAN_TEXT =
  "Ce texte contient un caractère refusé (caractère de contrôle, invisible ou de sens d'écriture) : retapez-le.";

const FORMATS: Record<string, string> = {
  email: FIELD_RULES.email!,
  url: FIELD_RULES.website!,
  date: "Une date (jour, mois, année).",
  regex: "Ce format n'est pas accepté.",
};

/** `2026-12-06` in an English sentence → `06/12/2026`. */
const d = (iso: string) => shortFrenchDate(iso);

const ACTION_VERBS: Record<string, string> = { suspend: "suspendre", reinstate: "rétablir", withdraw: "retirer" };
const statusName = (s: string) => (STATUS_NAMES as Record<string, string>)[s]?.toLowerCase() ?? "dans un autre état";
const tierName = (t: string) => TIER_NAMES[t as Tier] ?? "aucun";

const ID = String.raw`([\w.:@+-]+)`;
const DAY = String.raw`(\d{4}-\d{2}-\d{2})`;

/** The things that can be « not found », by the name the API gives them. */
const THINGS: [string, (id: string) => string][] = [
  ["Structure", (id) => `La structure ${id} n'existe pas dans le registre.`],
  ["Label", (id) => `Le label ${id} n'existe pas dans le registre.`],
  ["Certification body", (id) => `L'organisme de certification ${id} n'existe pas.`],
  ["Decision", (id) => `La décision ${id} n'existe pas.`],
  ["E-mail", (id) => `L'e-mail ${id} n'existe pas.`],
  ["Webhook event", (id) => `La livraison ${id} n'existe pas.`],
  ["Subscription", (id) => `L'abonnement ${id} n'existe pas.`],
  ["Back-office user", (id) => `La personne ${id} n'a pas d'accès enregistré.`],
  ["API key", (id) => `La clé d'API ${id} n'existe pas.`],
  ["Référentiel version", (id) => `La version ${id} du référentiel n'existe pas.`],
];

/**
 * Refusals of the registry's rules a person meets, in French. Only identifiers and dates are taken
 * from the English sentence (each capture is an identifier or a date by its pattern).
 */
const KNOWN: [RegExp, (m: string[]) => string][] = [
  ...THINGS.map(
    ([thing, fr]) =>
      [new RegExp(`^${thing} ${ID} not found$`), (m: string[]) => fr(m[1]!)] as [RegExp, (m: string[]) => string],
  ),
  [
    /^Delivery ([\w-]+) of subscription ([\w-]+) not found$/,
    (m) => `La remise ${m[1]} de l'abonnement ${m[2]} n'existe pas.`,
  ],
  [/^No page at (\/[^\s]*)$/, (m) => `Aucune page à l'adresse ${m[1]}.`],
  [/^(\/[^\s]*) answers ([A-Z, ]+)$/, (m) => `L'adresse ${m[1]} n'accepte que : ${m[2]}.`],
  [
    /^(\S+@\S+) has no access to the back-office/,
    (m) => `${m[1]} n'a pas accès au back-office : un administrateur ajoute les personnes sur sa page « Accès ».`,
  ],
  [
    /^No Cloudflare Access token/,
    () => "Vous n'êtes pas passé par Cloudflare Access : ouvrez le back-office par son adresse protégée.",
  ],
  [
    /^The Access token names no person/,
    () => "Ce jeton Cloudflare Access ne désigne aucune personne (jeton de service ?) : une machine passe par l'API.",
  ],
  [
    /^The Cloudflare Access token is not valid/,
    () => "Le jeton Cloudflare Access n'est pas valide (signature, application, émetteur ou expiration).",
  ],
  [/^Not signed in/, () => "Vous n'êtes pas connecté : passez par la page de connexion."],
  [
    /^The back-office's sign-in is not configured/,
    () =>
      "La connexion au back-office n'est pas configurée : ACCESS_TEAM_DOMAIN et ACCESS_AUD (production), ou BACKOFFICE_DEV_LOGIN=on (développement local).",
  ],
  [
    /^This label was suspended by the administration/,
    () => "Ce label a été suspendu par l'administration : seule l'administration peut le rétablir.",
  ],
  [
    /^This label was suspended by another certification body/,
    () => "Ce label a été suspendu par un autre organisme : seul celui-ci, ou l'administration, peut le rétablir.",
  ],
  [/^Disabled by an administrator$/, () => "Désactivé par un administrateur."],
  [
    /^Disabled automatically after 3 days of failed deliveries$/,
    () => "Désactivé automatiquement après 3 jours de remises en échec.",
  ],
  [
    /^Dead-lettered: /,
    () => "Mise de côté : le registre n'a pas pu la traiter après plusieurs essais ; remettez-la de nouveau.",
  ],
  [/^This page exists in local development only$/, () => "Cette page n'existe qu'en développement local."],
  [/^This page is for the administration only$/, () => "Cette page est réservée à l'administration du label."],
  [
    /^This form was not sent from the back-office's own pages$/,
    () =>
      "Ce formulaire n'a pas été envoyé depuis les pages du back-office : rouvrez la page du back-office et recommencez.",
  ],
  [/^The form could not be read$/, () => "Le formulaire n'a pas pu être lu : rouvrez la page et recommencez."],
  [
    new RegExp(`^Structure ${ID} is not assigned to this certification body$`),
    (m) => `La structure ${m[1]} n'est pas attribuée à votre organisme de certification.`,
  ],
  [
    new RegExp(`^Webhook event ${ID} was sent by another certification body$`),
    (m) => `La livraison ${m[1]} a été envoyée par un autre organisme.`,
  ],
  [
    new RegExp(`^Structure ${ID} already exists`),
    (m) => `La structure ${m[1]} existe déjà (les codes SP+ sont uniques, sans distinction de majuscules).`,
  ],
  [/^A structure cannot be its own parent$/, () => "Une structure ne peut pas être sa propre structure parente."],
  [/^Must differ from code$/, () => "Doit différer du code SP+ de la structure."],
  [
    new RegExp(`^Cannot (suspend|reinstate|withdraw) label ${ID}: it is (\\w+)`),
    (m) => `On ne peut pas ${ACTION_VERBS[m[1]!]} le label ${m[2]} : il est ${statusName(m[3]!)}.`,
  ],
  [
    new RegExp(`^Label ${ID} changed meanwhile`),
    (m) => `Le label ${m[1]} a changé entre-temps : rouvrez sa page et recommencez.`,
  ],
  [new RegExp(`^Must not be after today \\(${DAY}\\)$`), (m) => `Pas après aujourd'hui (${d(m[1]!)}).`],
  [
    new RegExp(`^Must not be before the award of the label it renews \\(${DAY}\\)$`),
    (m) => `Pas avant l'attribution du label qu'elle renouvelle (${d(m[1]!)}).`,
  ],
  [new RegExp(`^Must not be before the award \\(${DAY}\\)$`), (m) => `Pas avant l'attribution du label (${d(m[1]!)}).`],
  [
    new RegExp(`^Must not be before the award of the withdrawn label it follows \\(${DAY}\\)$`),
    (m) => `Pas avant l'attribution du label retiré qu'elle suit (${d(m[1]!)}).`,
  ],
  [
    new RegExp(`^The labels of structure ${ID} changed while this request was being handled`),
    (m) =>
      `Les labels de la structure ${m[1]} ont changé pendant cette demande ; rien n'a été enregistré. Rouvrez sa page, puis recommencez si c'est toujours utile.`,
  ],
  [/^Changed by another request meanwhile$/, () => "Modifié entre-temps par une autre demande."],
  [
    /^The référentiel's rules were edited while this decision was being evaluated/,
    () =>
      "Les règles du référentiel ont changé pendant l'évaluation ; rien n'a été enregistré. Recommencez : la décision sera évaluée selon les règles actuelles.",
  ],
  [/^Edited by another request meanwhile$/, () => "Modifié entre-temps par une autre demande."],
  [
    /^No certification body is assigned to this structure$/,
    () => "Aucun organisme de certification n'est attribué à cette structure : attribuez-en un d'abord.",
  ],
  [/^A refusal has no tier$/, () => "Un refus ne porte pas de palier : laissez le palier vide."],
  [
    /^No tier is proposed: give the tier and a justification$/,
    () => "Aucun palier n'est proposé : indiquez le palier et une justification.",
  ],
  [
    /^Required: the tier (\w+) differs from the proposed (\w+)$/,
    (m) => `Obligatoire : le palier ${tierName(m[1]!)} diffère du palier proposé (${tierName(m[2]!)}).`,
  ],
  [/^(absent|incomplete|insufficient-sample|stale): (.*)$/, (m) => missingSentence(m[1]!, m[2]!)],
  [
    /^Another decision renewed this structure's label at the same time/,
    () => "Une autre décision a renouvelé le label de cette structure au même moment : rouvrez sa page.",
  ],
  [/^Required for a member of a certification body$/, () => "Obligatoire pour un membre d'un organisme."],
  [
    new RegExp(`^Certification body ${ID} does not exist$`),
    (m) => `L'organisme de certification ${m[1]} n'existe pas.`,
  ],
  [/^Unknown certification body$/, () => "Cet organisme de certification n'existe pas."],
  [/^Required when role is certifier$/, () => "Obligatoire pour une clé d'organisme."],
  [/^Only for role certifier$/, () => "Seulement pour une clé d'organisme."],
  [/^A certifier key belongs to a body$/, () => "Une clé d'organisme appartient à un organisme : choisissez-le."],
  [/^An admin key belongs to no body$/, () => "Une clé d'administration n'appartient à aucun organisme."],
  [/^Must be on or after habilitation\.from$/, () => "Pas avant le début de l'habilitation."],
  [/^The habilitation ends before it starts$/, () => "L'habilitation finit avant de commencer."],
  [
    new RegExp(`^${ID} is the last administrator of the back-office`),
    (m) => `${m[1]} est le dernier administrateur du back-office : donnez d'abord l'accès à un autre.`,
  ],
  [
    new RegExp(`^E-mail ${ID} is (\\w+): only failed e-mails are retried$`),
    (m) => `L'e-mail ${m[1]} n'est pas en échec : seul un e-mail en échec se renvoie.`,
  ],
  [
    new RegExp(`^Webhook event ${ID} is (\\w+): only rejected deliveries are replayed$`),
    (m) => `La livraison ${m[1]} n'est pas rejetée : seule une livraison rejetée se rejoue.`,
  ],
  [
    new RegExp(`^Subscription ${ID} is disabled: enable it first$`),
    (m) => `L'abonnement ${m[1]} est désactivé : réactivez-le d'abord.`,
  ],
  [new RegExp(`^No structure ${ID} in the registry$`), (m) => `Aucune structure ${m[1]} dans le registre.`],
  [/^Must be an absolute URL$/, () => "Une adresse web complète, commençant par https://."],
  [/^Must not carry credentials/, () => "Sans identifiant ni mot de passe dans l'adresse."],
  [/^Must not have a fragment/, () => "Sans fragment (#…) dans l'adresse."],
  [/^Must use https:\/\/$/, () => "L'adresse doit commencer par https://."],
  [/^Must name a host, not an IP address$/, () => "Un nom de domaine, pas une adresse IP."],
  [/^Must be a public host name/, () => "Un nom de domaine public (ni local, ni privé)."],
  [
    /^The endpoint is refused: /,
    () => "Le registre n'appelle pas cette adresse : voyez le champ « Adresse de réception ».",
  ],
  [
    new RegExp(`^Référentiel version ${ID} has been used by a decision and is immutable$`),
    (m) => `La version ${m[1]} du référentiel a servi à une décision : elle ne change plus.`,
  ],
  [new RegExp(`^Référentiel version ${ID} already exists$`), (m) => `La version ${m[1]} du référentiel existe déjà.`],
  [
    /^The body's habilitation is (\w+)$/,
    (m) => `L'habilitation de l'organisme est ${HABILITATION[m[1]!] ?? "inactive"}.`,
  ],
  [
    new RegExp(`^The body is not habilitated on ${DAY}`),
    (m) => `L'organisme n'est pas habilité le ${d(m[1]!)} (hors de sa période d'habilitation).`,
  ],
  [
    new RegExp(`^Structure ${ID} is not registered$`),
    (m) => `La structure ${m[1]} n'est pas enregistrée : enregistrez-la, puis rejouez la livraison.`,
  ],
  [
    /^Unknown structure: register it, then replay the event$/,
    () => "Structure inconnue : enregistrez-la, puis rejouez la livraison.",
  ],
  [new RegExp(`^Label ${ID} is not in the registry$`), (m) => `Le label ${m[1]} n'est pas dans le registre.`],
  [/^Unknown label$/, () => "Label inconnu."],
  [/^The body is not JSON$/, () => "Le corps reçu n'est pas du JSON."],
  [/^Invalid JSON$/, () => "JSON illisible."],
  [/^The event does not match its schema$/, () => "L'événement ne suit pas son schéma : voyez les champs ci-dessous."],
  [/^The event is dated after the day it was sent$/, () => "L'événement est daté d'après le jour de son envoi."],
  [/^Nothing left to search/, () => "Rien à chercher : tapez des lettres ou des chiffres."],
  [/^Unknown field$/, () => "Ce champ n'est pas attendu ici."],
  [/^Contains /, () => CLEAN_TEXT],
  [
    /^Superseded by reminder-(\d+)$/,
    (m) => `Remplacé par le rappel à ${frenchNumber(Number(m[1]))} jours, plus urgent : il ne part pas.`,
  ],
  [
    /^Label no longer valid or renewed$/,
    () => "Le label n'est plus valide, ou il a été renouvelé : l'e-mail n'avait plus lieu d'être.",
  ],
];

/** What the tier engine found missing (its `reason`, its English `detail`), in French. */
const MISSING_DETAILS: [RegExp, (m: string[]) => string][] = [
  [/^No audit received$/, () => "aucun audit reçu"],
  [/^No enquête (usagers|agents) received$/, (m) => `aucune enquête ${m[1]} reçue`],
  [/^No score for engagement\(s\) ([\d, ]+)$/, (m) => `pas de score pour l'engagement ou les engagements ${m[1]}`],
  [/^The enquête (usagers|agents) has no score$/, (m) => `l'enquête ${m[1]} ne donne pas de score`],
  [
    /^(\d+) respondents, at least (\d+) needed$/,
    (m) => `${frenchNumber(Number(m[1]))} répondants, il en faut au moins ${frenchNumber(Number(m[2]))}`,
  ],
  [
    /^Response rate ([\d.]+) %, at least ([\d.]+) % needed$/,
    (m) => `taux de réponse de ${frenchNumber(Number(m[1]))} %, il faut au moins ${frenchNumber(Number(m[2]))} %`,
  ],
  [
    /gives no (invited|population) count/,
    (m) =>
      `sans le nombre ${m[1] === "invited" ? "d'invités" : "d'agents (effectif)"}, le taux de réponse ne se calcule pas`,
  ],
  [
    new RegExp(`^Dated ${DAY}, older than (\\d+) months on ${DAY}$`),
    (m) => `datée du ${d(m[1]!)}, plus de ${m[2]} mois avant le ${d(m[3]!)}`,
  ],
];

/** « absente : aucun audit reçu »; a detail it does not know gives the reason alone. */
export function missingSentence(reason: string, detail: string): string {
  const why = (MISSING_REASONS as Record<string, string>)[reason] ?? "insuffisante";
  for (const [re, fr] of MISSING_DETAILS) {
    const m = re.exec(detail);
    if (m) return `${why} : ${fr([...m])}`;
  }
  return why;
}
const HABILITATION: Record<string, string> = { suspended: "suspendue", withdrawn: "retirée", active: "active" };

/** A known refusal of the registry in French; null when the sentence is not one it knows. */
export function knownSentence(english: string): string | null {
  for (const [re, fr] of KNOWN) {
    const m = re.exec(english);
    if (m) return fr([...m]);
  }
  return null;
}

/** What each kind of refusal means for a person, when nothing more precise is known. */
const GENERIC: Record<ProblemCode, string> = {
  "bad-request": "La demande n'a pas pu être lue : rouvrez la page et recommencez.",
  unauthorized: "Vous n'êtes pas connecté au back-office, ou votre session a expiré.",
  forbidden: "Cette page ou cette action n'est pas ouverte à votre compte.",
  "not-found": "Ce que vous cherchez n'existe pas (ou plus) dans le registre.",
  "method-not-allowed": "Cette adresse ne s'utilise pas ainsi.",
  conflict: "L'état du registre ne permet pas cette action.",
  "payload-too-large": "Ce qui a été envoyé est trop volumineux.",
  "unsupported-media-type": "Ce qui a été envoyé n'est pas un formulaire.",
  validation: "Certains champs ne sont pas acceptés : corrigez ce qui est indiqué.",
  unprocessable: "Une règle du registre refuse cette demande : corrigez ce qui est indiqué.",
  "rate-limited": "Trop de demandes en peu de temps.",
  internal: "Une erreur inattendue est survenue ; elle est journalisée.",
  unavailable: "Le registre est momentanément injoignable : rien n'a été enregistré.",
};

/** A field error of the API (its English message), in French: a known rule, the field's format, or « refusé ». */
export function frenchFieldError(e: { path: string; message: string }): FrenchFieldError {
  return {
    path: e.path,
    field: fieldName(e.path),
    message: knownSentence(e.message) ?? ruleOf(e.path) ?? "Valeur refusée par une règle du registre.",
  };
}

/**
 * A refusal, for a page. A `FormRefusal` (the form's own validation) carries its French words; any
 * other ApiError is put in French from its code, its fields and the refusals the back-office knows.
 */
export function frenchRefusal(e: ApiError): FrenchRefusal {
  const errors = e instanceof FormRefusal ? e.french : (e.errors ?? []).map(frenchFieldError);
  const detail = knownSentence(e.message) ?? GENERIC[e.code];
  const by: Record<string, string> = {};
  for (const x of errors) by[x.path] ??= x.message;
  return { code: e.code, status: e.status, title: PROBLEM_DOCS[e.code].fr.title, detail, errors, by };
}

/**
 * The back-office's own form validation refused fields: the API's 422 for scripts (English, from zod),
 * with the French words of each issue for pages. Declared here, with the words, so they cannot drift.
 */
export class FormRefusal extends ApiError {
  readonly french: FrenchFieldError[];
  constructor(issues: readonly (Issue & { message: string })[]) {
    super("validation", "Some fields are not accepted", { errors: fieldErrors(issues) });
    this.french = issues.flatMap(frenchIssue);
  }
}

/** An e-mail's kind (`reminder-90`, `expiry`), in French. */
export function emailKind(kind: string): string {
  const reminder = /^reminder-(\d+)$/.exec(kind);
  if (reminder) return `Rappel à ${frenchNumber(Number(reminder[1]))} jours de l'échéance`;
  if (kind === "expiry") return "Avis d'expiration";
  if (kind.startsWith("subscription-disabled:")) return "Avis de désactivation d'un abonnement";
  return "Autre e-mail";
}

/**
 * Why a delivery was rejected, in French: from the problem the registry answered (stored with the
 * delivery), else from the stored reason if it is one the back-office knows; never the English text.
 */
export function storedRefusal(responseBody: string | null, error: string | null): FrenchRefusal | null {
  try {
    const p = JSON.parse(responseBody ?? "null") as { code?: string; detail?: string; errors?: unknown } | null;
    if (p && typeof p.code === "string" && p.code in PROBLEM_DOCS) {
      const errors = Array.isArray(p.errors)
        ? p.errors.filter((e): e is { path: string; message: string } => typeof e?.path === "string")
        : undefined;
      return frenchRefusal(new ApiError(p.code as ProblemCode, String(p.detail ?? ""), { errors }));
    }
  } catch {
    // Not JSON: fall back on the stored reason.
  }
  if (!error) return null;
  const detail = knownSentence(error.replace(/ \([^()]*\)$/, "")) ?? "Rejetée par une règle du registre.";
  return { code: "unprocessable", status: 422, title: PROBLEM_DOCS.unprocessable.fr.title, detail, errors: [], by: {} };
}

/**
 * The last error of an e-mail or a notification: a reason of the registry in French, or the words of
 * the other side (the e-mail service, the subscriber's server: outside text, not the registry's),
 * announced as such. `who` names that other side.
 */
export function outsideError(
  error: string | null,
  who = "du service d'envoi",
): { french: string; provider?: string } | null {
  if (!error) return null;
  const gaveUp = /^(.*); retried for 3 days, given up$/.exec(error);
  if (gaveUp) {
    const inner = outsideError(gaveUp[1]!, who);
    return { french: `Abandonnée après 3 jours d'essais. ${inner?.french ?? ""}`.trim(), provider: inner?.provider };
  }
  const known = knownSentence(error);
  return known ? { french: known } : { french: `Erreur ${who}, telle qu'il l'a donnée :`, provider: error };
}
export const emailError = (error: string | null) => outsideError(error);

/** A subscriber's notification, by its type (`label.suspended`…), in French. */
export const NOTIFICATION_TYPES: Record<string, string> = {
  "label.awarded": "Attribution",
  "label.renewed": "Renouvellement",
  "label.suspended": "Suspension",
  "label.reinstated": "Rétablissement",
  "label.withdrawn": "Retrait",
  "label.expired": "Expiration",
  "label.expiring": "Échéance proche",
};

/** A notification's delivery state, in French, with its DSFR badge. */
export const DELIVERY_STATES: Record<string, [string, string]> = {
  pending: ["à mettre en file", "fr-badge--info"],
  queued: ["en file, ou en attente d'un nouvel essai", "fr-badge--info"],
  delivered: ["remise", "fr-badge--success"],
  failed: ["en échec", "fr-badge--error"],
};

/** The signed events a body sends, in French (the type itself stays shown, as the body writes it). */
const EVENT_TYPES: Record<string, string> = {
  "audit.completed": "Audit",
  "survey.users.completed": "Enquête usagers",
  "survey.agents.completed": "Enquête agents",
  "label.decision": "Décision",
  "label.suspended": "Suspension",
  "label.reinstated": "Rétablissement",
  "label.withdrawn": "Retrait",
};
export const eventTypeName = (type: string) => EVENT_TYPES[type] ?? "Événement";
