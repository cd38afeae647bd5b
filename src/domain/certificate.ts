/**
 * What the printable certificate says, and why a label has none: pure (no I/O, no PDF), so the words are
 * decided and tested here and drawn by src/certificate/pdf.ts. Only a valid label has a certificate: a
 * sheet printed on a door cannot change by itself, so the registry hands one out only while it is true,
 * and its QR code leads to the verification page, which tells today's truth (docs/adr/0011).
 */
import { longFrenchDate, type PublicStatus, TIER_NAMES, type Tier } from "./badge";

export const CERTIFICATE_HEADING = "Label Services Publics +";
export const SCAN_SENTENCE = "Scannez ce code pour vérifier que ce label est toujours valide";

/** The public facts the certificate draws on (a subset of the public answer, src/public/present.ts). */
export type CertifiedLabel = {
  status: PublicStatus;
  tier: Tier | null;
  labelNumber: string | null;
  awardedOn: string | null;
  expiresOn: string | null;
  structure: { code: string; name: string; city: string };
  certifier: { name: string } | null;
  /** The canonical verification URL (`/verify/{code}` on PUBLIC_BASE_URL): what the QR code encodes. */
  permalink: string;
};

export type CertificateContent = {
  /** The PDF's title (metadata), and the page's. */
  title: string;
  fileName: string;
  heading: string;
  tier: string;
  structureName: string;
  city: string;
  code: string;
  labelNumber: string;
  awardedOn: string;
  validUntil: string;
  certifier: string;
  verifyUrl: string;
  scanSentence: string;
};

/** The file name a certificate is saved under: short, and the same on every download. */
export const certificateFileName = (code: string) => `label-${code}.pdf`;

/** The certificate of a valid label; null for any other state (certificateRefusal says why). */
export function certificateContent(l: CertifiedLabel): CertificateContent | null {
  if (l.status !== "valid" || !l.tier || !l.labelNumber || !l.awardedOn || !l.expiresOn) return null;
  return {
    title: `${CERTIFICATE_HEADING} — palier ${TIER_NAMES[l.tier]} — ${l.structure.name}`,
    fileName: certificateFileName(l.structure.code),
    heading: CERTIFICATE_HEADING,
    tier: TIER_NAMES[l.tier],
    structureName: l.structure.name,
    city: l.structure.city,
    code: l.structure.code,
    labelNumber: l.labelNumber,
    awardedOn: longFrenchDate(l.awardedOn),
    validUntil: longFrenchDate(l.expiresOn),
    certifier: l.certifier?.name ?? "—",
    verifyUrl: l.permalink,
    scanSentence: SCAN_SENTENCE,
  };
}

/** Why a label in this state has no certificate to print: a headline and one sentence, in French. */
export function certificateRefusal(status: Exclude<PublicStatus, "valid">): { headline: string; reason: string } {
  switch (status) {
    case "suspended":
      return {
        headline: "Label suspendu : pas de certificat à afficher",
        reason:
          "Ce label est suspendu : tant que la suspension dure, le service public ne peut pas se prévaloir du label, " +
          "et le registre ne délivre pas de certificat. Si la suspension est levée, le certificat sera de nouveau disponible.",
      };
    case "withdrawn":
      return {
        headline: "Label retiré : pas de certificat à afficher",
        reason:
          "Ce label a été retiré, et ce retrait est définitif : le registre ne délivre plus de certificat. " +
          "Un certificat déjà imprimé n'est plus valable et doit être retiré de l'affichage.",
      };
    case "expired":
      return {
        headline: "Label expiré : pas de certificat à afficher",
        reason:
          "Ce label est arrivé au terme de sa durée de validité sans être renouvelé : le registre ne délivre plus de " +
          "certificat. Un certificat déjà imprimé n'est plus valable et doit être retiré de l'affichage.",
      };
    case "none":
      return {
        headline: "Pas de label : pas de certificat à afficher",
        reason:
          "Ce service public est connu du registre mais ne détient pas le label : il n'y a pas de certificat à imprimer.",
      };
  }
}
