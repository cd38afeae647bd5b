/**
 * The dashboard's « État du registre » (administration only): what `GET /health/ready` says, in French — the
 * configuration, the database, and what waits or failed (docs/operators.md « When something fails »).
 */
import type { Readiness } from "../../health/readiness";

const duration = (s: number) =>
  s < 120 ? `${s} s` : s < 7_200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3_600)} h`;

export function ReadinessSection({ r }: { r: Readiness }) {
  const b = r.backlog;
  return (
    <section id="etat-du-registre" class="fr-mb-3w">
      <h2>État du registre</h2>
      <div class={`fr-alert fr-alert--sm ${r.ready ? "fr-alert--success" : "fr-alert--error"} fr-mb-2w`}>
        <p>
          {r.ready
            ? "Prêt : la configuration est valide et la base de données répond."
            : "Pas prêt : voir ci-dessous et les journaux."}
        </p>
      </div>
      <ul>
        <li id="etat-configuration">
          Configuration : {r.configuration.valid ? "valide" : `invalide — ${r.configuration.problems.join(" ; ")}`}
        </li>
        <li id="etat-base">
          Base de données : {r.database.answers ? `répond (${r.database.ms} ms)` : "ne répond pas"}
        </li>
        {b ? (
          <>
            <li id="etat-effets">
              Effets en attente : {b.pendingEffects}
              {b.oldestPendingEffectSeconds !== null
                ? ` (le plus ancien depuis ${duration(b.oldestPendingEffectSeconds)})`
                : ""}
            </li>
            <li id="etat-lettres-mortes">
              Notifications abandonnées par la file (lettres mortes) : {b.deadLetteredNotifications}
            </li>
            <li id="etat-emails">
              E-mails en échec : <a href="/admin/outbox?status=failed">{b.failedEmails}</a>
            </li>
          </>
        ) : null}
      </ul>
    </section>
  );
}
