// The CPU cost of one printable certificate (issue 27), measured by bench/certificate.ts with the
// Worker's own code, run by tsx like the credentials' signing cost (bench/credentials.mjs).
import { spawnSync } from "node:child_process";

/** The bar: a certificate on a cache miss costs at most this much CPU (median of the documents). */
export const CERTIFICATE_CPU_MS = 20;

/** Renders `documents` certificates and returns { documents, certificateMs, certificateP90Ms, firstMs, bytes }. */
export function certificateCpu(documents, log = console.error) {
  log(`bench: rendering ${documents} certificates (CPU per document)`);
  const r = spawnSync("npx", ["tsx", "bench/certificate.ts", String(documents)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench/certificate.ts failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

/** The summary line of the certificate's cost (docs/benchmarks.md « Certificate »). */
export const certificateSummary = (m) =>
  `Certificate (CPU of one PDF, Node ${process.version}, the Worker's code and libraries: jsPDF, Arimo, the QR code; ` +
  `${m.documents} documents, three tiers, short and long names): **${m.certificateMs} ms** median, ` +
  `${m.certificateP90Ms} ms at the 90th percentile (the first, compiling: ${m.firstMs} ms), ${Math.round(m.bytes / 1024)} KiB ` +
  `a document — bar ≤ ${CERTIFICATE_CPU_MS} ms on a cache miss ${m.certificateMs <= CERTIFICATE_CPU_MS ? "✓" : "✗"}.`;
