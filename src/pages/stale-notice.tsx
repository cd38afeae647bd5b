/**
 * What the verification page says instead of « Vérifié le … » when D1 failed and the answer is the last
 * known one (src/public/last-known.ts): the time of those facts, in Paris time, and that the registry is
 * unreachable for now. The status above it is the last known one, as of today (a past last day shows
 * « expiré »).
 */
const parisMinute = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  dateStyle: "long",
  timeStyle: "short",
});

/** « Informations du 6 décembre 2026 à 05:30 ; le registre est momentanément injoignable ». */
export const staleSentence = (factsAt: string) =>
  `Informations du ${parisMinute.format(new Date(factsAt))} ; le registre est momentanément injoignable`;

export function StaleNotice({ factsAt }: { factsAt: string }) {
  return (
    <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w" id="informations-du" role="status">
      <p>
        <time datetime={factsAt}>{staleSentence(factsAt)}</time>. Le statut ci-dessus est le dernier connu ; revenez
        dans quelques minutes pour une vérification à jour.
      </p>
    </div>
  );
}
