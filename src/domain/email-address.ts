/**
 * E-mail addresses as the back-office matches them: the domain is case-insensitive and mailbox names are, in
 * practice, too — but only for ASCII. JavaScript's `toLowerCase` folds Unicode too (`\u212A`, the Kelvin sign,
 * becomes `k`), so an Access token for `\u212Aelvin@…` would open `kelvin@…`'s session: addresses are folded
 * for ASCII letters only, and any other character stays as it is (and matches only itself).
 */
export const foldEmail = (email: string) => email.replace(/[A-Z]+/g, (s) => s.toLowerCase());
