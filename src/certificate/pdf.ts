/**
 * The printable certificate: one A4 portrait page drawn with jsPDF, in the DSFR's colours (bleu France,
 * rouge Marianne) and in Arimo, the free Arial-metric face standing for the DSFR's own fallback (Marianne's
 * licence does not cover documents handed out: docs/adr/0011-printable-certificate.md). Every word is real
 * text in an embedded TrueType subset with a ToUnicode map, so it can be selected, searched and read
 * aloud, accents included; the QR code is vector rectangles, sharp at any print size.
 * @see https://github.com/parallax/jsPDF
 */
import { jsPDF } from "jspdf";
import type { CertificateContent } from "../domain/certificate";
import { ARIMO_BOLD, ARIMO_REGULAR } from "./fonts";
import { darkRuns, QR_QUIET_ZONE, qrMatrix } from "./qr";

/** DSFR colour tokens (« Système de design de l'État »), as RGB for jsPDF. */
const BLUE_FRANCE: [number, number, number] = [0, 0, 145]; // #000091, blue-france-sun-113
const RED_MARIANNE: [number, number, number] = [225, 0, 15]; // #e1000f, red-marianne-main-472
const BLUE_FRANCE_LIGHT: [number, number, number] = [236, 236, 254]; // #ececfe, blue-france-975
const GREY_TEXT: [number, number, number] = [58, 58, 58]; // #3a3a3a, grey-200 (body text)
const GREY_MENTION: [number, number, number] = [102, 102, 102]; // #666666, grey-425 (mentions)

const PAGE_W = 595.28; // A4 in points
const PAGE_H = 841.89;
const MARGIN = 56; // ≈ 2 cm: inside what any office printer prints
const FONT = "Arimo";

/** Renders a certificate to PDF bytes. Synchronous: nothing else runs in the isolate meanwhile. */
export function certificatePdf(c: CertificateContent): ArrayBuffer {
  const doc = new jsPDF({ unit: "pt", format: "a4", orientation: "portrait", compress: true, putOnlyUsedFonts: true });
  doc.addFileToVFS("Arimo-Regular.ttf", ARIMO_REGULAR);
  doc.addFont("Arimo-Regular.ttf", FONT, "normal", 400, "Identity-H");
  doc.addFileToVFS("Arimo-Bold.ttf", ARIMO_BOLD);
  doc.addFont("Arimo-Bold.ttf", FONT, "normal", 700, "Identity-H");
  doc.setProperties({
    title: c.title,
    subject: `Certificat du label à afficher — ${c.labelNumber}`,
    author: "Registre du label « Services Publics + »",
    creator: "Registre du label « Services Publics + »",
    keywords: `${c.heading}, ${c.tier}, ${c.code}, ${c.labelNumber}`,
  });
  doc.setLanguage("fr-FR");
  doc.viewerPreferences({ DisplayDocTitle: true });
  doc.setLineHeightFactor(1.2);

  const centre = PAGE_W / 2;
  const text = (s: string | string[], y: number, size: number, opts: { bold?: boolean; colour?: number[] } = {}) => {
    doc.setFont(FONT, opts.bold ? "bold" : "normal");
    doc.setFontSize(size);
    const [r, g, b] = opts.colour ?? GREY_TEXT;
    doc.setTextColor(r!, g!, b!);
    doc.text(s, centre, y, { align: "center", baseline: "alphabetic" });
  };
  /** Lines of `s` that fit `width` at `size`, shrinking the size (down to `min`) rather than passing 2 lines. */
  const shrinkToFit = (s: string, size: number, min: number, bold: boolean) => {
    doc.setFont(FONT, bold ? "bold" : "normal");
    for (let pt = size; ; pt -= 2) {
      doc.setFontSize(pt);
      const lines = doc.splitTextToSize(s, PAGE_W - 2 * MARGIN) as string[];
      if (lines.length <= 2 || pt - 2 < min) return { lines, size: pt };
    }
  };

  // The frame: a bleu France border, the bloc-marque's words, a rouge Marianne rule.
  doc.setDrawColor(...BLUE_FRANCE);
  doc.setLineWidth(3);
  doc.rect(24, 24, PAGE_W - 48, PAGE_H - 48, "S");
  doc.setFont(FONT, "bold");
  doc.setFontSize(13);
  doc.setTextColor(0, 0, 0);
  doc.text(["RÉPUBLIQUE", "FRANÇAISE"], MARGIN, 74);
  doc.setFont(FONT, "normal");
  doc.setFontSize(10);
  doc.setTextColor(...GREY_MENTION);
  doc.text("Registre du label « Services Publics + »", PAGE_W - MARGIN, 74, { align: "right" });
  doc.setFillColor(...RED_MARIANNE);
  doc.rect(MARGIN, 106, 48, 3, "F");

  let y = 172;
  text(c.heading, y, 34, { bold: true, colour: BLUE_FRANCE });
  y += 34;
  text("est attribué à", y, 14);

  const name = shrinkToFit(c.structureName, 24, 16, true);
  y += 18 + name.size;
  text(name.lines, y, name.size, { bold: true, colour: [0, 0, 0] });
  y += name.size * 1.2 * (name.lines.length - 1) + 24;
  text(c.city, y, 15);

  // The tier, the first thing read from across the room.
  y += 30;
  const boxH = 78;
  doc.setFillColor(...BLUE_FRANCE_LIGHT);
  doc.setDrawColor(...BLUE_FRANCE);
  doc.setLineWidth(1.5);
  doc.rect(centre - 130, y, 260, boxH, "FD");
  text("Palier", y + 24, 13, { colour: BLUE_FRANCE });
  text(c.tier, y + 64, 38, { bold: true, colour: BLUE_FRANCE });
  y += boxH + 40;

  // The facts, two columns: the term on the left, the value on the right of the centre line.
  const facts: [string, string][] = [
    ["Code SP+", c.code],
    ["Numéro de label", c.labelNumber],
    ["Attribué le", c.awardedOn],
    ["Valide jusqu'au (inclus)", c.validUntil],
    ["Organisme de certification", c.certifier],
  ];
  doc.setFontSize(12);
  for (const [term, value] of facts) {
    doc.setFont(FONT, "normal");
    doc.setTextColor(...GREY_MENTION);
    doc.text(term, centre - 10, y, { align: "right" });
    doc.setFont(FONT, "bold");
    doc.setTextColor(0, 0, 0);
    const lines = doc.splitTextToSize(value, PAGE_W / 2 - MARGIN) as string[];
    doc.text(lines, centre + 10, y);
    y += 20 * lines.length;
  }

  // The QR code to the verification page, its URL and what it is for.
  const matrix = qrMatrix(c.verifyUrl);
  const modules = matrix.length + 2 * QR_QUIET_ZONE;
  const qrSize = 150; // ≈ 5.3 cm: read by a phone from a metre away
  const cell = qrSize / modules;
  const qrTop = Math.max(y + 6, PAGE_H - 92 - qrSize - 58);
  const qrLeft = centre - qrSize / 2;
  doc.setFillColor(0, 0, 0);
  for (const [r, col, n] of darkRuns(matrix)) {
    doc.rect(qrLeft + (col + QR_QUIET_ZONE) * cell, qrTop + (r + QR_QUIET_ZONE) * cell, n * cell, cell, "F");
  }
  y = qrTop + qrSize + 14;
  text(c.verifyUrl, y, 11, { colour: BLUE_FRANCE });
  y += 18;
  text(c.scanSentence, y, 12, { bold: true, colour: [0, 0, 0] });

  doc.setFont(FONT, "normal");
  doc.setFontSize(8.5);
  doc.setTextColor(...GREY_MENTION);
  doc.text(
    [
      "Le statut du label fait foi sur la page de vérification : un label suspendu, retiré ou expiré y apparaît",
      "le jour même. Certificat délivré par le registre du label « Services Publics + » pour affichage.",
    ],
    centre,
    PAGE_H - 56,
    { align: "center" },
  );
  return doc.output("arraybuffer");
}
