/**
 * Clean text: what a free-text field may hold. Names, references and reasons end up in e-mail
 * subjects, the open-data CSV, the verification page and admins' screens, where invisible characters
 * lie: a line break forges an e-mail header or a CSV row, a bidi override shows « Préfecture » while
 * the bytes say something else, a zero-width space makes two names look equal.
 * Refused (422 naming the field), never silently removed: the sender learns what it sent.
 */
import { z } from "zod";

/**
 * The characters refused, as regular-expression class ranges: one source for the runtime check below and
 * for the `pattern` the OpenAPI document gives every free-text field (CLEAN_TEXT_PATTERN).
 */
/** C0 controls, DEL, C1 controls (`Cc`). */
const CONTROLS = "\\u0000-\\u001F\\u007F-\\u009F";
/** `Cc` but TAB and LF (allowed in multi-line text), and CR (read as LF there). */
const CONTROLS_MULTILINE = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F";
/** Bidi embeddings and overrides (U+202A–202E), isolates (U+2066–2069). */
const BIDI_RANGES = "\\u202A-\\u202E\\u2066-\\u2069";
/** Zero-width space, non-joiner, joiner; word joiner; byte-order mark. */
const ZERO_WIDTH_RANGES = "\\u200B-\\u200D\\u2060\\uFEFF";
/** Unicode line and paragraph separators: line breaks to many renderers. */
const SEPARATOR_RANGES = "\\u2028\\u2029";

const CONTROL = new RegExp(`[${CONTROLS}]`, "u");
// CR too: the schema has read it as LF before this check, so one left here was not meant as a line break.
const CONTROL_MULTILINE = new RegExp(`[${CONTROLS_MULTILINE}\\u000D]`, "u");
const BIDI = new RegExp(`[${BIDI_RANGES}]`, "u");
const ZERO_WIDTH = new RegExp(`[${ZERO_WIDTH_RANGES}]`, "u");
const SEPARATOR = new RegExp(`[${SEPARATOR_RANGES}]`, "u");

/**
 * Clean text as a JSON Schema `pattern` (ECMA-262, matched against the whole value): what a client may
 * send. The multi-line variant also lets CR through, which the registry reads as LF (CRLF, CR).
 * test/clean-text.test.ts checks that the pattern and `textProblem` always agree.
 */
export const CLEAN_TEXT_PATTERN = `^[^${CONTROLS}${BIDI_RANGES}${ZERO_WIDTH_RANGES}${SEPARATOR_RANGES}]*$`;
export const CLEAN_MULTILINE_TEXT_PATTERN = `^[^${CONTROLS_MULTILINE}${BIDI_RANGES}${ZERO_WIDTH_RANGES}${SEPARATOR_RANGES}]*$`;

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
    })
    .meta({ pattern: opts.multiline ? CLEAN_MULTILINE_TEXT_PATTERN : CLEAN_TEXT_PATTERN });
}
