/**
 * Public references (a Code SP+ or a label number) as people and sites write them, put in canonical
 * form once, at the edge of the public routes: every later step (cache key, lookup, Cache-Tag) uses the
 * canonical form only, so one answer has one cache entry and one purge reaches it. Pure: no I/O.
 *
 * Canonical form: a label number is upper case (`SPP-2026-000001`); a Code SP+ keeps the spelling
 * the registry holds, which only the registry knows (codes are unique regardless of case): the route
 * redirects to it after its lookup.
 */
import { CODE_SP_PATTERN } from "./identifiers";

export type PublicRef = { kind: "code" | "label"; value: string };

const LABEL_NUMBER_ANY_CASE = /^spp-\d{4}-\d{6}$/i;

/** A path segment as received (still percent-encoded) → the reference, or null when malformed. */
export function parseRef(segment: string): PublicRef | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return null; // a lone or invalid % escape
  }
  return readRef(decoded);
}

/** A reference as written (already decoded: a JSON string) → the reference, or null when malformed. */
export function readRef(value: string): PublicRef | null {
  if (LABEL_NUMBER_ANY_CASE.test(value)) return { kind: "label", value: value.toUpperCase() };
  return CODE_SP_PATTERN.test(value) ? { kind: "code", value } : null;
}

/** The public surfaces that answer about one reference, each at exactly one canonical path. */
export const SURFACES = ["json", "shields", "badge", "page", "credential", "history", "certificate", "qr"] as const;
export type Surface = (typeof SURFACES)[number];

/** The canonical path of a surface for a canonical reference (codes and numbers need no escaping). */
export function canonicalPath(surface: Surface, ref: string): string {
  switch (surface) {
    case "json":
      return `/v1/public/labels/${ref}`;
    case "shields":
      return `/v1/public/labels/${ref}/shields.json`;
    case "badge":
      return `/badge/${ref}.svg`;
    case "page":
      return `/verify/${ref}`;
    case "credential":
      return `/v1/public/labels/${ref}/credential`;
    case "history":
      return `/v1/public/labels/${ref}/history`;
    case "certificate":
      return `/certificate/${ref}.pdf`;
    case "qr":
      return `/qr/${ref}.svg`;
  }
}

/**
 * The reference part of a badge file name. `CODE.svg` is the badge; any other image extension, or
 * none, names the same badge (the route redirects to `.svg`). A Code SP+ may contain dots, so only
 * the known image extensions are taken off: `/badge/A.B` is the badge of `A.B`.
 */
export function badgeRefSegment(file: string): string {
  return file.replace(/\.(?:svg|png|jpe?g|gif|webp|avif|ico)$/i, "");
}

/**
 * The reference part of a certificate file name: `CODE.pdf` is the certificate; none, or another
 * document extension, names the same one (the route redirects to `.pdf`). As for the badge, only known
 * extensions are taken off, a Code SP+ may contain dots.
 */
export function certificateRefSegment(file: string): string {
  return file.replace(/\.(?:pdf|html?|png|jpe?g)$/i, "");
}

/** The reference part of a QR code file name: `CODE.svg`; another image extension, or none, redirects to `.svg`. */
export const qrRefSegment = badgeRefSegment;
