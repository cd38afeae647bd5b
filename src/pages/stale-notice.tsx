import { Layout, renderPage } from "./layout";

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

/**
 * The verification page when the registry cannot answer at all: D1 down and nothing recent known (503, never
 * stored, `Retry-After`). It says so, and never guesses a status.
 */
export async function unavailablePage(retryAfterSeconds: number): Promise<Response> {
  const body = await renderPage(
    <Layout title="Vérification indisponible — Services Publics +">
      <h1>Vérification indisponible</h1>
      <p>
        Le registre du label « Services Publics + » est momentanément injoignable et ne peut pas dire, pour l'instant,
        si ce service public détient le label. Réessayez dans quelques minutes.
      </p>
    </Layout>,
  );
  return new Response(body, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Retry-After": String(retryAfterSeconds),
    },
  });
}
