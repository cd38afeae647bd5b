/**
 * The certificate's pieces of the pages: the link « Télécharger le certificat à afficher » (verification
 * page and back-office, valid labels only), and the page that a certificate or QR code URL answers for a
 * label that has no certificate today, saying why and leading to the verification page.
 */

import type { PublicStatus } from "../domain/badge";
import { certificateFileName, certificateRefusal } from "../domain/certificate";
import { Layout } from "./layout";

export const certificatePath = (code: string) => `/certificate/${encodeURIComponent(code)}.pdf`;

/** The download link, and what to do with the sheet. */
export function CertificateLink({ code }: { code: string }) {
  return (
    <div id="certificat">
      <p>
        <a
          class="fr-link fr-icon-download-line fr-link--icon-left"
          href={certificatePath(code)}
          download={certificateFileName(code)}
        >
          Télécharger le certificat à afficher
        </a>
      </p>
      <p class="fr-text--sm">
        Le certificat (PDF, A4) s'imprime pour l'accueil, la porte ou la salle d'attente. Son code QR mène à cette page,
        qui dit à tout moment si le label est toujours valide : un certificat imprimé ne peut pas servir au-delà de la
        validité du label.
      </p>
    </div>
  );
}

/** A certificate or QR code asked for a label that is not valid today. */
export function NoCertificatePage(props: { status: Exclude<PublicStatus, "valid">; name: string; code: string }) {
  const { headline, reason } = certificateRefusal(props.status);
  return (
    <Layout title={`${headline} — ${props.name}`}>
      <h1>{headline}</h1>
      <p class="fr-text--lead">{props.name}</p>
      <p id="raison">{reason}</p>
      <p>
        <a class="fr-link" href={`/verify/${encodeURIComponent(props.code)}`}>
          Voir la page de vérification du label de ce service public
        </a>
      </p>
    </Layout>
  );
}
