/**
 * Folds text for search, on both sides of the index (what is indexed and what is typed), so that
 * « Préfecture » and « prefecture », « l'Œillet » and « oeillet », « Cœur » and « coeur », or a name
 * typed in fullwidth (« ＭＡＲＳＥＩＬＬＥ ») or mathematical letters (« 𝐂𝐀𝐅 ») compare equal:
 * compatibility forms to their plain letters (NFKC), the French ligatures œ and æ (which no
 * normalisation form splits) to oe and ae, diacritics removed, lower case, one space between words.
 */
export function fold(value: string): string {
  return value
    .normalize("NFKC")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}
