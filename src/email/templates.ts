/**
 * French e-mail templates, plain text and accessible HTML (lang="fr", a real <title>, headings,
 * descriptive link text, no layout tables, no image carrying meaning).
 * They state facts from the registry only; the renewal procedure's details are the certification
 * body's, so the text points to it instead of inventing rules.
 */
import type { Tier } from "../db/schema";
import { longFrenchDate, TIER_NAMES } from "../domain/badge";
import { deName, frenchNumber } from "../domain/french";

export type LabelFacts = {
  labelNumber: string;
  tier: Tier;
  expiresOn: string;
  structure: { code: string; name: string };
  certifierName: string | null;
  /** The public verification page of the structure. */
  verifyUrl: string;
};

/**
 * An e-mail subject: one line, by construction. The only way to get one is `subjectLine`, and every
 * transport takes a `Subject`: a name stored before text was checked (or a bug) can never put a line
 * break, hence a forged header, into what is sent.
 */
export type Subject = string & { readonly __subject: unique symbol };

/** Line breaks and other controls become spaces, bidi and zero-width characters go; spaces collapse. */
export function subjectLine(text: string): Subject {
  return text
    .replace(/[\p{Cc}\u2028\u2029]/gu, " ")
    .replace(/[\u202A-\u202E\u2066-\u2069\u200B-\u200D\u2060\uFEFF]/gu, "")
    .replace(/\s+/gu, " ")
    .trim() as Subject;
}

export type Rendered = { subject: Subject; text: string; html: string };

/** HTML escaping for the e-mails' text (also the outbox preview's and the notification e-mails'). */
export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const remaining = (daysLeft: number) =>
  daysLeft === 0
    ? "aujourd'hui est son dernier jour de validité"
    : `il reste ${frenchNumber(daysLeft)} jour${daysLeft > 1 ? "s" : ""}`;

function html(title: string, paragraphs: string[], f: LabelFacts): string {
  return `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body style="margin:0;padding:24px;background:#ffffff;color:#161616;font-family:Marianne,Arial,sans-serif;font-size:16px;line-height:1.5">
<main style="max-width:640px;margin:0 auto">
<p style="margin:0 0 8px;color:#3a3a3a">Label « Services Publics + »</p>
<h1 style="font-size:24px;line-height:1.3;margin:0 0 16px;color:#000091">${esc(title)}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join("\n")}
<ul>
<li>Structure : ${esc(f.structure.name)} (Code SP+ ${esc(f.structure.code)})</li>
<li>Palier : ${TIER_NAMES[f.tier]}</li>
<li>Numéro du label : ${esc(f.labelNumber)}</li>
<li>Dernier jour de validité : ${longFrenchDate(f.expiresOn)}</li>
</ul>
<p><a href="${esc(f.verifyUrl)}" style="color:#000091;text-decoration:underline">Voir la page publique de vérification du label ${esc(deName(f.structure.name))}</a></p>
<p style="color:#3a3a3a;font-size:14px">Message automatique du registre du label « Services Publics + ». Vous le recevez en tant que contact de la structure ou organisme de certification.</p>
</main>
</body>
</html>`;
}

function text(title: string, paragraphs: string[], f: LabelFacts): string {
  return [
    title,
    "",
    ...paragraphs.flatMap((p) => [p, ""]),
    `- Structure : ${f.structure.name} (Code SP+ ${f.structure.code})`,
    `- Palier : ${TIER_NAMES[f.tier]}`,
    `- Numéro du label : ${f.labelNumber}`,
    `- Dernier jour de validité : ${longFrenchDate(f.expiresOn)}`,
    "",
    `Page publique de vérification : ${f.verifyUrl}`,
    "",
    "--",
    "Message automatique du registre du label « Services Publics + ».",
  ].join("\n");
}

const body = (f: LabelFacts) =>
  f.certifierName ? `votre organisme de certification (${f.certifierName})` : "votre organisme de certification";

/** The renewal reminder, `daysLeft` days before the last valid day. */
export function reminderEmail(f: LabelFacts, daysLeft: number): Rendered {
  const title = `Votre label « Services Publics + » arrive à échéance le ${longFrenchDate(f.expiresOn)}`;
  const paras = (e: (s: string) => string) => [
    "Bonjour,",
    `Le label « Services Publics + » au palier ${TIER_NAMES[f.tier]} de la structure ${e(f.structure.name)} est valide jusqu'au ${longFrenchDate(f.expiresOn)} inclus : ${remaining(daysLeft)}.`,
    `Pour le renouveler, prenez contact avec ${e(body(f))} afin de planifier l'audit de renouvellement et les enquêtes usagers et agents. Sans décision de renouvellement avant cette date, le label apparaîtra comme « expiré » sur la page publique de vérification dès le lendemain.`,
  ];
  return {
    subject: subjectLine(
      `Label « Services Publics + » : échéance le ${longFrenchDate(f.expiresOn)} (${f.structure.name})`,
    ),
    text: text(
      title,
      paras((s) => s),
      f,
    ),
    html: html(title, paras(esc), f),
  };
}

/** The notice sent when the label has just expired. */
export function expiryEmail(f: LabelFacts): Rendered {
  const title = `Le label « Services Publics + » ${deName(f.structure.name)} a expiré`;
  const paras = (e: (s: string) => string) => [
    "Bonjour,",
    `Le label « Services Publics + » au palier ${TIER_NAMES[f.tier]} de la structure ${e(f.structure.name)} était valide jusqu'au ${longFrenchDate(f.expiresOn)} inclus. Il est désormais expiré, et la page publique de vérification l'indique.`,
    `Pour obtenir à nouveau le label, prenez contact avec ${e(body(f))}.`,
  ];
  return {
    subject: subjectLine(`Label « Services Publics + » expiré (${f.structure.name})`),
    text: text(
      title,
      paras((s) => s),
      f,
    ),
    html: html(title, paras(esc), f),
  };
}
