/**
 * Clean text: what a free-text field may hold. Names, references and reasons end up in e-mail
 * subjects, the open-data CSV, the verification page and admins' screens, where invisible characters
 * lie: a line break forges an e-mail header or a CSV row, a bidi override shows « Préfecture » while
 * the bytes say something else, a zero-width space makes two names look equal.
 * Refused (422 naming the field), never silently removed: the sender learns what it sent.
 */
import { z } from "zod";

/** C0 controls, DEL, C1 controls (`Cc`); TAB and LF are allowed in multi-line text only. */
const CONTROL = /\p{Cc}/u;
const CONTROL_MULTILINE = /(?![\t\n])\p{Cc}/u;
/** Bidi embeddings and overrides (U+202A–202E), isolates (U+2066–2069). */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
/** Zero-width space, non-joiner, joiner; word joiner; byte-order mark. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/u;
/** Unicode line and paragraph separators: line breaks to many renderers. */
const SEPARATOR = /[\u2028\u2029]/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** Why `value` is not clean text, or null. `multiline`: line feeds and tabs allowed. */
export function textProblem(value: string, multiline = false): string | null {
  const rules: [RegExp, string][] = [
    [multiline ? CONTROL_MULTILINE : CONTROL, multiline ? "a control character" : "a line break or control character"],
    [BIDI, "a bidirectional override or isolate"],
    [ZERO_WIDTH, "a zero-width character"],
    [SEPARATOR, "a Unicode line or paragraph separator"],
  ];
  for (const [re, what] of rules) {
    const m = re.exec(value);
    if (m) return `Contains ${what} (${codePoint(m[0])}) at position ${m.index}`;
  }
  return null;
}

/** The refinement, for string schemas that are not plain text (URLs). */
export const refuseHiddenCharacters = (value: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/**
 * THE schema of a free-text field: trimmed, 1–`max` characters, clean. `multiline` (justifications,
 * reasons, descriptions): line feeds and tabs allowed, CRLF and CR read as LF.
 */
export function cleanText(max: number, opts: { multiline?: boolean } = {}) {
  const base = z.string().trim();
  return (opts.multiline ? base.overwrite((s) => s.replace(/\r\n?/g, "\n")) : base)
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value, opts.multiline);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}
