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

/** « Afficher le label dans ses locaux »: the short guide for labelled services, on the /integration page. */
export function CertificateGuide() {
  return (
    <>
      <h2 id="certificat-a-afficher">Afficher le label dans ses locaux</h2>
      <p>
        Tant que le label est valide, sa page de vérification propose « Télécharger le certificat à afficher » : une
        page A4 au nom du service public, avec son palier, ses dates et un code QR qui mène à la page de vérification.
      </p>
      <ul>
        <li>imprimez-le en taille réelle (100 %, sans « ajuster à la page »), en couleur ou en noir et blanc ;</li>
        <li>
          affichez-le à hauteur des yeux, à l'accueil, sur la porte ou en salle d'attente, à l'abri du soleil ; sous une
          pochette brillante, vérifiez une fois en place que le code QR se lit avec un téléphone ;
        </li>
        <li>
          ne masquez ni le code QR ni l'adresse imprimée dessous : c'est ce qui permet à chacun de vérifier, sur place,
          que le label est toujours valide ;
        </li>
        <li>
          à chaque renouvellement, imprimez le nouveau certificat ; si le label est suspendu, retiré ou expiré, retirez
          le certificat de l'affichage (le registre n'en délivre plus, et la page de vérification dit pourquoi).
        </li>
      </ul>
      <p>
        Le code QR seul, pour une affiche ou une signalétique, est à l'adresse <code>/qr/CODE.svg</code> (image
        vectorielle, à imprimer sur au moins 2,5 cm de côté).
      </p>
    </>
  );
}
