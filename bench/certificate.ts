/**
 * The CPU cost of one printable certificate (issue 27): `tsx bench/certificate.ts [documents]` renders
 * certificates with the Worker's own code (src/domain/certificate.ts, src/certificate/pdf.ts: jsPDF, the
 * embedded Arimo subset, the QR code) for labels of every tier and of short and long names, and prints
 * one JSON line: the median and 90th percentile CPU milliseconds of one document, the first one
 * (compiling), and the PDF's size. The bar: ≤ 20 ms a document on a cache miss (docs/benchmarks.md).
 */
import { certificatePdf } from "../src/certificate/pdf";
import { certificateContent } from "../src/domain/certificate";

const documents = Number(process.argv[2] ?? 500);
const TIERS = ["bronze", "argent", "or"] as const;
const NAMES = [
  "Mairie de Démoville",
  "Caisse d'allocations familiales du Gard — accueil du public de Nîmes, rue Alphonse Daudet",
  "Préfecture de la Haute-Saône — service de délivrance des titres et des étrangers",
];

const contentOf = (i: number) =>
  certificateContent({
    status: "valid",
    tier: TIERS[i % 3]!,
    labelNumber: `SPP-2026-${String(i).padStart(6, "0")}`,
    awardedOn: "2026-03-01",
    expiresOn: "2029-02-28",
    structure: { code: `BENCH-${i}`, name: NAMES[i % NAMES.length]!, city: "Saint-Étienne-du-Rouvray" },
    certifier: { name: "Organisme certificateur de démonstration" },
    permalink: `https://registre.example.gouv.fr/verify/BENCH-${i}`,
  })!;

/** CPU milliseconds of `work` (user + system, this process). */
function cpu(work: () => unknown): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

let bytes = 0;
const firstMs = cpu(() => {
  bytes = certificatePdf(contentOf(0)).byteLength;
});
const times: number[] = [];
for (let i = 1; i <= documents; i++) {
  const content = contentOf(i);
  times.push(cpu(() => certificatePdf(content)));
}
times.sort((a, b) => a - b);
const at = (q: number) => Number(times[Math.floor(q * (times.length - 1))]!.toFixed(2));
console.log(
  JSON.stringify({
    documents,
    certificateMs: at(0.5),
    certificateP90Ms: at(0.9),
    firstMs: Number(firstMs.toFixed(1)),
    bytes,
  }),
);
