/** The e-mail telling a subscriber's contact that the registry stopped delivering to its endpoint. */

import type { OutboxInsert } from "../db/outbox";
import { longFrenchDate } from "../domain/badge";
import { esc, type Rendered, subjectLine } from "../email/templates";
import { newId } from "../lib/crypto";

export function disabledEmail(
  s: { name: string; url: string },
  failingSince: string,
  lastError: string | null,
): Rendered {
  const title = `Abonnement « ${s.name} » désactivé`;
  const paras = [
    "Bonjour,",
    `Depuis le ${longFrenchDate(failingSince.slice(0, 10))}, le registre du label « Services Publics + » ne parvient plus à remettre les notifications de votre abonnement « ${s.name} » à l'adresse ${s.url}${lastError ? ` (dernière erreur : ${lastError})` : ""}.`,
    "Après trois jours d'échecs, l'abonnement a été désactivé : plus aucune notification ne sera envoyée. Quand votre point de réception sera rétabli, demandez à l'administrateur du registre de réactiver l'abonnement et de renvoyer les notifications manquées, ou relisez l'état des labels suivis avec la vérification groupée (POST /v1/public/labels/verify).",
  ];
  return {
    subject: subjectLine(`Registre « Services Publics + » : abonnement désactivé (${s.name})`),
    text: [
      title,
      "",
      ...paras.flatMap((p) => [p, ""]),
      "--",
      "Message automatique du registre du label « Services Publics + ».",
    ].join("\n"),
    html: `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body style="margin:0;padding:24px;color:#161616;font-family:Marianne,Arial,sans-serif;font-size:16px;line-height:1.5">
<main style="max-width:640px;margin:0 auto">
<h1 style="font-size:24px;line-height:1.3;margin:0 0 16px;color:#000091">${esc(title)}</h1>
${paras.map((p) => `<p>${esc(p)}</p>`).join("\n")}
<p style="color:#3a3a3a;font-size:14px">Message automatique du registre du label « Services Publics + ».</p>
</main>
</body>
</html>`,
  };
}

/** The outbox row of that e-mail (no label: sent once per disabling). */
export function disabledOutboxRow(
  s: { id: string; name: string; url: string; contactEmail: string },
  failingSince: string,
  lastError: string | null,
  nowIso: string,
): OutboxInsert {
  return {
    id: newId("eml"),
    kind: `subscription-disabled:${s.id}`,
    labelNumber: null,
    recipients: [s.contactEmail],
    ...disabledEmail(s, failingSince, lastError),
    status: "pending",
    attempts: 0,
    nextAttemptAt: nowIso,
    createdAt: nowIso,
    updatedAt: nowIso,
  };
}
