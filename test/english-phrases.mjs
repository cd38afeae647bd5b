// The English the registry's code can say, collected from its sources, and the check that a page
// shows none of it: shared by the vitest checks (test/english.ts) and the browser test
// (test/browser/backoffice.mjs), so both fail on the same phrases.
/** A string literal (double-quoted or template) starting at the match. */
const LITERAL = String.raw`("(?:[^"\\\n]|\\.)*"|\x60(?:[^\x60\\]|\\.)*\x60)`;
const CALLS = [
  String.raw`(?:new ApiError|super)\(\s*"[\w-]+",\s*` + LITERAL,
  String.raw`\b(?:forbidden|conflict|notFound|unauthorized)\(\s*` + LITERAL,
  String.raw`\binvalid\(\s*(?:"[^"]*"|[\w.]+),\s*${LITERAL}(?:,\s*${LITERAL})?`,
  String.raw`\.(?:regex|refine)\([^,()]+(?:\([^()]*\))?,\s*` + LITERAL,
  String.raw`\b(?:message|detail|lastError):\s*` + LITERAL,
  String.raw`\breturn\s+` + LITERAL,
];

/**
 * Words that make a phrase English (none of them is a French word): a fragment without one (« de la »,
 * « api key ») cannot be told from French or from an identifier, and is left out.
 */
const ENGLISH_WORD =
  /\b(the|is|not|no|of|to|for|by|be|must|only|this|that|has|have|was|with|and|or|from|its|it|are|any|been|at|cannot|can|does|needs?|give|send|than|after|before|when|which|already|unknown|invalid|required|received|expected|should|shown|found|missing|older)\b/;

/**
 * The fixed parts of a literal (`${…}` cut out), as lower-case phrases of at least two words, one of them English.
 * @param {string} literal
 * @returns {string[]}
 */
function phrasesOf(literal) {
  const body = literal.slice(1, -1);
  return body
    .split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/)
    .map((p) => p.replace(/\\n/g, " ").replace(/[`*]/g, "").trim().toLowerCase())
    .filter((p) => /[a-z]{2,}\s+[a-z]{2,}/.test(p) && ENGLISH_WORD.test(p))
    .filter((p) => !/[àâçéèêëîïôûùüœ«»]/.test(p)); // a French sentence (the code has those too)
}

/**
 * @param {Record<string, string>} sources file path → its text
 * @returns {string[]}
 */
export function collectEnglish(sources) {
  const found = new Set();
  for (const [file, text] of Object.entries(sources)) {
    // The problems' pages hold an English version on purpose (/problems/{code}?lang=en).
    if (/problem-docs/.test(file)) continue;
    for (const call of CALLS) {
      for (const m of text.matchAll(new RegExp(call, "g"))) {
        for (const lit of m.slice(1)) if (lit) for (const p of phrasesOf(lit)) found.add(p);
      }
    }
  }
  return [...found].sort();
}

/**
 * What a person reads on a page: text outside tags, `<code>`/`<pre>` (identifiers, data) left out.
 * @param {string} html
 */
export function visibleText(html) {
  return html
    .replace(/<(code|pre|script|style|title)\b[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .toLowerCase();
}

/**
 * The phrases of `phrases` a page shows (empty: it speaks French).
 * @param {string[]} phrases
 * @param {string} html
 */
export function englishIn(phrases, html) {
  const text = visibleText(html);
  return phrases.filter((p) => text.includes(p));
}
