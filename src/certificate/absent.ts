/**
 * Stands in for the jsPDF dependencies the certificate never reaches, aliased in wrangler.toml so that
 * they stay out of the Worker's bundle: html2canvas, dompurify and canvg (its `html()` and SVG drawing,
 * optional dependencies it imports on demand) and fast-png (`addImage` of a PNG: the certificate draws
 * text and rectangles only). Together ~230 KiB gzipped. Reached only if a change starts calling those.
 */
const absent = (): never => {
  throw new Error(
    "This jsPDF feature is left out of the Worker's bundle (wrangler.toml [alias], src/certificate/absent.ts)",
  );
};
export default absent;
/** fast-png's entry point that jsPDF imports. */
export const decode = absent;
