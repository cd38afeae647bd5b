/**
 * What each problem code means, its usual causes and what to do, in French and English: the text of
 * the pages at `/problems/{code}` (src/routes/problems.tsx), where every problem's `type` points.
 * Typed over the closed set, so a new code cannot be added without its page. `backticks` mark code.
 */
import type { ProblemCode } from "./errors";

export type ProblemDoc = { title: string; meaning: string; causes: string[]; whatToDo: string[] };

export const PROBLEM_DOCS: Record<ProblemCode, { fr: ProblemDoc; en: ProblemDoc }> = {
  "bad-request": {
    fr: {
      title: "Requête illisible",
      meaning: "Le registre n'a pas pu lire la requête : elle n'est pas écrite comme l'API l'attend.",
      causes: [
        "Un corps JSON syntaxiquement invalide (virgule en trop, guillemet manquant, texte tronqué).",
        "Un paramètre `cursor` modifié, ou pris dans une autre liste : seul le `nextCursor` renvoyé par l'API est accepté.",
        "Un en-tête `webhook-id` de plus de 256 caractères.",
      ],
      whatToDo: [
        "Lisez `detail` (et `errors[]`, s'il est présent) : il dit ce qui n'a pas pu être lu.",
        "Vérifiez le JSON envoyé avec un validateur ; renvoyez `nextCursor` tel quel, ou repartez de la première page.",
        "Rien n'a été enregistré : corrigez puis renvoyez.",
      ],
    },
    en: {
      title: "Unreadable request",
      meaning: "The registry could not read the request: it is not written the way the API expects.",
      causes: [
        "A JSON body with a syntax error (trailing comma, missing quote, truncated text).",
        "A `cursor` parameter that was altered or taken from another listing: only the `nextCursor` the API returned is accepted.",
        "A `webhook-id` header longer than 256 characters.",
      ],
      whatToDo: [
        "Read `detail` (and `errors[]` when present): it says what could not be read.",
        "Check the JSON you send with a validator; pass `nextCursor` back unchanged, or start again from the first page.",
        "Nothing was stored: fix the request and send it again.",
      ],
    },
  },
  unauthorized: {
    fr: {
      title: "Authentification requise",
      meaning:
        "Le registre ne sait pas qui vous êtes : la requête ne porte pas de clé valide, ou la signature du webhook ne se vérifie pas.",
      causes: [
        "L'en-tête `Authorization: Bearer <clé>` est absent, mal écrit, ou la clé a été révoquée.",
        "Webhook : la signature ne correspond pas (autre secret, corps modifié après la signature, secret remplacé depuis plus longtemps que la période de grâce).",
        "Webhook : `webhook-timestamp` s'écarte de plus de 5 minutes de l'horloge du registre.",
      ],
      whatToDo: [
        "Envoyez `Authorization: Bearer <clé>` ; si la clé est perdue ou révoquée, demandez-en une nouvelle à un administrateur.",
        "Signez exactement les octets envoyés (`webhook-id.webhook-timestamp.corps`) avec le secret `whsec_` en cours.",
        "Synchronisez l'horloge de votre serveur (NTP) et signez chaque envoi avec l'heure du moment.",
      ],
    },
    en: {
      title: "Authentication required",
      meaning:
        "The registry does not know who you are: the request carries no valid key, or the webhook's signature does not verify.",
      causes: [
        "The `Authorization: Bearer <key>` header is missing or malformed, or the key was revoked.",
        "Webhook: the signature does not match (another secret, body changed after signing, a secret replaced longer ago than the grace period).",
        "Webhook: `webhook-timestamp` is more than 5 minutes away from the registry's clock.",
      ],
      whatToDo: [
        "Send `Authorization: Bearer <key>`; if the key is lost or revoked, ask an administrator for a new one.",
        "Sign exactly the bytes you send (`webhook-id.webhook-timestamp.body`) with the current `whsec_` secret.",
        "Synchronise your server's clock (NTP) and sign each delivery with the current time.",
      ],
    },
  },
  forbidden: {
    fr: {
      title: "Opération non permise",
      meaning: "Le registre sait qui vous êtes, mais cette opération ne vous est pas permise.",
      causes: [
        "Une clé d'organisme de certification utilisée sur une opération réservée aux administrateurs.",
        "La structure n'est pas confiée à votre organisme de certification.",
        "L'habilitation de l'organisme est suspendue, retirée, ou ne couvre pas la date de l'événement.",
      ],
      whatToDo: [
        "Utilisez une clé du rôle qui convient à l'opération (voir `/docs`).",
        "Demandez à l'administration du label d'enregistrer l'attribution de la structure à votre organisme, ou de mettre à jour l'habilitation.",
        "Un webhook refusé reste enregistré : une fois la cause corrigée, un administrateur peut le rejouer.",
      ],
    },
    en: {
      title: "Not allowed",
      meaning: "The registry knows who you are, but you may not perform this operation.",
      causes: [
        "A certification body's key used on an operation reserved to administrators.",
        "The structure is not assigned to your certification body.",
        "The body's habilitation is suspended, revoked, or does not cover the event's date.",
      ],
      whatToDo: [
        "Use a key of the role the operation needs (see `/docs`).",
        "Ask the label's administration to record the structure's assignment to your body, or to update the habilitation.",
        "A refused webhook stays stored: once the cause is fixed, an administrator can replay it.",
      ],
    },
  },
  "not-found": {
    fr: {
      title: "Introuvable",
      meaning: "Rien ne répond à cette adresse, ou l'objet qu'elle nomme est inconnu du registre.",
      causes: [
        "Une faute de frappe dans le chemin (les routes de l'API commencent par `/v1/`).",
        "Un code SP+, un numéro de label ou un identifiant inconnu, ou mal recopié (la casse compte pour les identifiants).",
      ],
      whatToDo: [
        "Vérifiez l'adresse dans la référence de l'API (`/docs`).",
        "Retrouvez l'identifiant exact par une liste (par exemple `GET /v1/structures?q=`).",
      ],
    },
    en: {
      title: "Not found",
      meaning: "Nothing answers at this address, or the object it names is unknown to the registry.",
      causes: [
        "A typo in the path (API routes start with `/v1/`).",
        "An unknown or mistyped Code SP+, label number or id (ids are case-sensitive).",
      ],
      whatToDo: [
        "Check the address in the API reference (`/docs`).",
        "Find the exact id through a listing (for instance `GET /v1/structures?q=`).",
      ],
    },
  },
  "method-not-allowed": {
    fr: {
      title: "Méthode non permise",
      meaning: "L'adresse existe, mais elle ne répond pas à cette méthode HTTP.",
      causes: [
        "Un `DELETE` : le registre n'efface rien, l'historique est conservé (un label se retire, une clé se révoque).",
        "Un `PUT` à la place d'un `PATCH`, ou l'inverse.",
      ],
      whatToDo: ["L'en-tête `Allow` de la réponse liste les méthodes que l'adresse accepte ; voir `/docs`."],
    },
    en: {
      title: "Method not allowed",
      meaning: "The address exists, but does not answer this HTTP method.",
      causes: [
        "A `DELETE`: the registry deletes nothing, history is kept (a label is withdrawn, a key revoked).",
        "A `PUT` instead of a `PATCH`, or the other way round.",
      ],
      whatToDo: ["The answer's `Allow` header lists the methods the address accepts; see `/docs`."],
    },
  },
  conflict: {
    fr: {
      title: "Conflit avec l'état du registre",
      meaning: "La requête contredit ce que le registre contient déjà ; rien n'a été modifié.",
      causes: [
        "Ce qui devait être créé existe déjà (code SP+, version de référentiel).",
        "Le changement d'état n'est pas permis (par exemple rétablir un label retiré).",
        "Webhook : le même `auditRef` ou `surveyRef` avec un contenu différent, ou le même `webhook-id` avec un autre corps.",
        "Une autre opération a modifié le même label au même moment, ou une copie de la même livraison est en cours de traitement (avec `Retry-After`).",
        "Une version de référentiel déjà utilisée par une décision ne se modifie plus.",
      ],
      whatToDo: [
        "Relisez l'état actuel de l'objet, puis décidez si la requête a encore lieu d'être.",
        "Pour corriger un résultat déjà transmis, envoyez-le sous une nouvelle référence ; pour un nouveau message, un nouveau `webhook-id`.",
        "Quand la réponse porte `Retry-After`, renvoyez la même requête après ce délai.",
      ],
    },
    en: {
      title: "Conflict with the registry's state",
      meaning: "The request contradicts what the registry already holds; nothing was changed.",
      causes: [
        "What was to be created already exists (Code SP+, référentiel version).",
        "The change of state is not allowed (for instance reinstating a withdrawn label).",
        "Webhook: the same `auditRef` or `surveyRef` with different content, or the same `webhook-id` with another body.",
        "Another operation changed the same label at the same time, or a copy of the same delivery is being applied (with `Retry-After`).",
        "A référentiel version already used by a decision can no longer be edited.",
      ],
      whatToDo: [
        "Read the object's current state again, then decide whether the request still makes sense.",
        "To correct a result already sent, send it under a new reference; for a new message, use a new `webhook-id`.",
        "When the answer carries `Retry-After`, send the same request again after that delay.",
      ],
    },
  },
  "payload-too-large": {
    fr: {
      title: "Corps trop volumineux",
      meaning: "Le corps de la requête dépasse 1 Mio ; il n'a pas été lu.",
      causes: ["Trop d'éléments dans une seule requête.", "Un document joint dans le corps au lieu d'un lien."],
      whatToDo: [
        "Découpez l'envoi en plusieurs requêtes.",
        "Transmettez les rapports par lien (`reportUrl`), pas par contenu.",
      ],
    },
    en: {
      title: "Body too large",
      meaning: "The request's body is over 1 MiB; it was not read.",
      causes: ["Too many items in a single request.", "A document embedded in the body instead of a link."],
      whatToDo: ["Split the work into several requests.", "Send reports as links (`reportUrl`), not as content."],
    },
  },
  "unsupported-media-type": {
    fr: {
      title: "Type de contenu non pris en charge",
      meaning:
        "Le corps n'est pas déclaré comme du JSON ; le registre ne le lit pas, pour ne rien modifier par erreur.",
      causes: ["L'en-tête `Content-Type` est absent, ou vaut `text/plain` ou un formulaire."],
      whatToDo: ["Envoyez le corps en JSON avec `Content-Type: application/json`."],
    },
    en: {
      title: "Unsupported media type",
      meaning: "The body is not declared as JSON; the registry does not read it, so that nothing changes by mistake.",
      causes: ["The `Content-Type` header is missing, or is `text/plain` or a form."],
      whatToDo: ["Send the body as JSON with `Content-Type: application/json`."],
    },
  },
  validation: {
    fr: {
      title: "Requête non conforme au schéma",
      meaning:
        "La forme de la requête ne respecte pas le schéma de l'API (champ manquant, type ou format faux, champ inconnu) ; `errors[]` nomme chaque champ en cause. Les règles du registre n'ont pas encore été examinées : c'est la différence avec `unprocessable`.",
      causes: [
        "Un champ obligatoire absent, ou d'un autre type (un nombre envoyé comme texte).",
        "Un format refusé : SIRET dont la clé de contrôle est fausse, code postal, date ISO inexistante, adresse e-mail, URL.",
        "Un champ inconnu (une faute de frappe n'est jamais ignorée en silence).",
        "Webhook : un événement qui ne suit pas le schéma de son type ; il est gardé, refusé, et peut être rejoué.",
      ],
      whatToDo: [
        "Corrigez chaque champ nommé par `errors[].path` (chemin pointé : `contacts.0.email`).",
        "Le schéma de chaque route est dans `/docs` et `/openapi.json`. Rien n'a été modifié.",
      ],
    },
    en: {
      title: "Request does not match the schema",
      meaning:
        "The request's shape does not match the API's schema (missing field, wrong type or format, unknown field); `errors[]` names each field at fault. The registry's rules were not looked at yet: that is the difference with `unprocessable`.",
      causes: [
        "A required field is missing, or of another type (a number sent as text).",
        "A refused format: a SIRET with a wrong check digit, postcode, non-existent ISO date, e-mail address, URL.",
        "An unknown field (a typo is never silently dropped).",
        "Webhook: an event that does not follow its type's schema; it is kept, rejected, and can be replayed.",
      ],
      whatToDo: [
        "Fix each field named by `errors[].path` (a dotted path: `contacts.0.email`).",
        "Every route's schema is in `/docs` and `/openapi.json`. Nothing was changed.",
      ],
    },
  },
  unprocessable: {
    fr: {
      title: "Refusée par une règle du registre",
      meaning:
        "La requête est bien formée, mais une règle du registre la refuse ; `errors[]`, quand il est présent, nomme le champ en cause. À distinguer de `validation`, où c'est la forme de la requête qui est fausse.",
      causes: [
        "Une date dans le futur (`decidedOn`, `effectiveOn`), ou antérieure à l'attribution du label.",
        "Une attribution alors que l'évaluation n'est pas complète, ou un palier différent de la proposition sans justification.",
        "Aucun organisme de certification n'est attribué à la structure.",
        "Une structure, un label ou un organisme de certification nommé mais inconnu du registre.",
        "Une incohérence : une structure parente d'elle-même, une habilitation qui se termine avant de commencer.",
        "Aucune version du référentiel n'est active.",
      ],
      whatToDo: [
        "Lisez `detail` et `errors[]` : ils disent quelle règle a refusé la requête.",
        "Corrigez la donnée, ou l'état du registre (enregistrer la structure, l'attribuer à un organisme), puis renvoyez. Un webhook refusé peut être rejoué par un administrateur.",
        "Rien n'a été modifié.",
      ],
    },
    en: {
      title: "Refused by a rule of the registry",
      meaning:
        "The request is well-formed, but a rule of the registry refuses it; `errors[]`, when present, names the field at fault. Unlike `validation`, where the request's shape is wrong.",
      causes: [
        "A date in the future (`decidedOn`, `effectiveOn`), or before the label's award.",
        "An award while the evaluation is incomplete, or a tier other than the proposal without a justification.",
        "No certification body is assigned to the structure.",
        "A structure, label or certification body named but unknown to the registry.",
        "An inconsistency: a structure as its own parent, a habilitation ending before it starts.",
        "No référentiel version is active.",
      ],
      whatToDo: [
        "Read `detail` and `errors[]`: they say which rule refused the request.",
        "Fix the data, or the registry's state (register the structure, assign it to a body), then send again. A rejected webhook can be replayed by an administrator.",
        "Nothing was changed.",
      ],
    },
  },
  "rate-limited": {
    fr: {
      title: "Trop de requêtes",
      meaning:
        "Trop de requêtes en peu de temps, depuis cette adresse IP (lectures publiques) ou avec cette clé ; les limites protègent le service des abus.",
      causes: [
        "Une boucle qui interroge le registre sans garder les réponses en cache.",
        "Un import en masse plus rapide que la limite de la clé.",
      ],
      whatToDo: [
        "Attendez le nombre de secondes indiqué par `Retry-After`, puis reprenez.",
        "Gardez les réponses publiques en cache (elles le permettent pendant 5 minutes) ; étalez les imports.",
      ],
    },
    en: {
      title: "Too many requests",
      meaning:
        "Too many requests in a short time, from this IP address (public reads) or with this key; limits protect the service from abuse.",
      causes: [
        "A loop querying the registry without caching its answers.",
        "A bulk import faster than the key's limit.",
      ],
      whatToDo: [
        "Wait the number of seconds given by `Retry-After`, then resume.",
        "Cache public answers (they allow 5 minutes); spread bulk imports over time.",
      ],
    },
  },
  internal: {
    fr: {
      title: "Erreur interne",
      meaning:
        "Une erreur inattendue, de notre côté. Elle a été journalisée avec l'identifiant de la requête. Chaque écriture du registre est faite d'un seul bloc : elle a eu lieu en entier ou pas du tout.",
      causes: ["Un défaut du registre, ou une indisponibilité passagère de sa base de données."],
      whatToDo: [
        "Réessayez un peu plus tard. Avant de renvoyer une création, vérifiez qu'elle n'a pas déjà eu lieu ; un webhook se renvoie tel quel, avec le même `webhook-id` : il n'est appliqué qu'une fois.",
        "Si l'erreur persiste, transmettez-nous l'identifiant de la requête.",
      ],
    },
    en: {
      title: "Internal error",
      meaning:
        "An unexpected error, on our side. It was logged with the request's id. Every write of the registry is one block: it happened whole or not at all.",
      causes: ["A defect of the registry, or its database briefly unavailable."],
      whatToDo: [
        "Try again a little later. Before sending a creation again, check that it did not happen; send a webhook again as it was, with the same `webhook-id`: it is applied once.",
        "If the error persists, send us the request's id.",
      ],
    },
  },
  unavailable: {
    fr: {
      title: "Registre momentanément indisponible",
      meaning:
        "La base de données du registre ne répond pas. Rien n'a été enregistré : une écriture a lieu en entier ou pas du tout, et celle-ci n'a pas eu lieu. Les vérifications publiques continuent de répondre avec les dernières informations connues, datées.",
      causes: ["Une panne ou une maintenance de la base de données du registre."],
      whatToDo: [
        "Réessayez après le nombre de secondes donné par `Retry-After`. Un webhook se renvoie tel quel, avec le même `webhook-id` : il sera appliqué une fois, au retour de la base.",
      ],
    },
    en: {
      title: "Service unavailable",
      meaning:
        "The registry's database does not answer. Nothing was recorded: a write happens whole or not at all, and this one did not. Public verification keeps answering from the last known facts, dated.",
      causes: ["An outage or maintenance of the registry's database."],
      whatToDo: [
        "Try again after the number of seconds given by `Retry-After`. Send a webhook again as it was, with the same `webhook-id`: it is applied once, when the database is back.",
      ],
    },
  },
};
