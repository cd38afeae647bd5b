/**
 * The QR code of a label's verification URL: one matrix (qrcode-generator, error correction Q: a sheet
 * on a door gets scratched and faded, Q still reads with a quarter of it gone), drawn as SVG for the
 * `/qr/{ref}.svg` route and as rectangles in the PDF (src/certificate/pdf.ts).
 * @see https://github.com/kazuhikoarase/qrcode-generator
 */
import qrcode from "qrcode-generator";

/** ISO/IEC 18004 recovers 25 % of the code words at level Q (M: 15 %). */
export const QR_ERROR_CORRECTION = "Q";
/** The quiet zone the standard asks around the symbol, in modules. */
export const QR_QUIET_ZONE = 4;

/** Dark modules, row by row (true = dark), of the QR code of `text` (an ASCII URL). */
export function qrMatrix(text: string): boolean[][] {
  // Byte mode writes each character's low byte: a URL from `new URL()` is ASCII already, anything else a bug.
  if (!/^[\x20-\x7e]+$/.test(text)) throw new Error("A QR code here encodes an ASCII URL");
  const qr = qrcode(0, QR_ERROR_CORRECTION);
  qr.addData(text, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

/** Horizontal runs of dark modules: [row, first column, length], fewer shapes than modules. */
export function darkRuns(matrix: readonly boolean[][]): [number, number, number][] {
  const runs: [number, number, number][] = [];
  matrix.forEach((row, r) => {
    for (let c = 0; c < row.length; ) {
      if (!row[c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < row.length && row[c]) c++;
      runs.push([r, start, c - start]);
    }
  });
  return runs;
}

const xmlEscape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!);

/**
 * The QR code alone, as SVG: one module = one unit, the quiet zone included, black on white, sized by
 * whoever places it (`width`/`height` 10 units a module by default: a sharp preview, scaled at will).
 */
export function qrSvg(url: string): string {
  const matrix = qrMatrix(url);
  const size = matrix.length + 2 * QR_QUIET_ZONE;
  const path = darkRuns(matrix)
    .map(([r, c, n]) => `M${c + QR_QUIET_ZONE} ${r + QR_QUIET_ZONE}h${n}v1h-${n}z`)
    .join("");
  const label = xmlEscape(`Code QR vers la page de vérification du label : ${url}`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" lang="fr" role="img" aria-label="${label}" ` +
    `viewBox="0 0 ${size} ${size}" width="${size * 10}" height="${size * 10}" shape-rendering="crispEdges">` +
    `<title>${label}</title><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}
