/** Lower-case and strip diacritics, so « Préfecture » and « prefecture » compare equal. */
export function fold(value: string): string {
  return value
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Escapes LIKE wildcards so a user's `%` or `_` matches itself. */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (m) => `\\${m}`);
}
