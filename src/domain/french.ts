/**
 * French typography for what a person reads (pages and e-mails alike): numbers and the preposition
 * « de » before a name. One formatter each, so no page or e-mail writes « 62.5 » or « de Organisme ».
 */

const numberFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

/**
 * `62.5` → `62,5`, `12000` → `12 000` (a narrow no-break space between thousands, as French
 * typography wants); null or undefined → « — ».
 */
export function frenchNumber(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? "—" : numberFormat.format(n);
}

/** Starts with a vowel sound for elision: a vowel (accented or not), or an h (taken as mute). */
const ELIDES = /^[aeiouyhàâäéèêëîïôöùûüÿæœ]/i;

/**
 * « de » followed by a name, as French writes it: « de Marseille », « d'Organisme Exemple »,
 * « de l'Organisme » for « L'Organisme », « du Centre » for « Le Centre », « des Impôts » for
 * « Les Impôts », « de la Poste » for « La Poste ». The name keeps its own spelling otherwise.
 */
export function deName(name: string): string {
  const n = name.trim();
  // « Le », « La », « Les » as whole words (« Lebrun » is not « Le brun »), or « L' ».
  const article = /^(?:(le|la|les)\s+|(l)['’]\s*)(.+)$/i.exec(n);
  if (article) {
    const [, word, apostrophe, rest] = article as unknown as [string, string | undefined, string | undefined, string];
    const lower = (word ?? apostrophe ?? "").toLowerCase();
    if (lower === "le") return `du ${rest}`;
    if (lower === "les") return `des ${rest}`;
    if (lower === "la") return `de la ${rest}`;
    return `de l'${rest}`;
  }
  return ELIDES.test(n) ? `d'${n}` : `de ${n}`;
}
