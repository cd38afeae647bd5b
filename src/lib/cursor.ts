/**
 * Keyset pagination cursors: the last row's sort key, base64url-encoded JSON. Opaque to clients;
 * a tampered cursor is a 400, never a 500.
 */
import { ApiError } from "./errors";

export function encodeCursor(key: unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const badCursor = () =>
  new ApiError("bad-request", "The cursor is not one this API issued", {
    errors: [{ path: "cursor", message: "Invalid cursor" }],
  });

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const bin = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const key: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === "string")) {
      return key as string[];
    }
  } catch {
    // fall through to the problem below
  }
  throw badCursor();
}

/** The `after` key of a page sorted by one column (undefined without a cursor: the first page). */
export const afterKey = (cursor?: string): string | undefined => (cursor ? decodeCursor(cursor, 1)[0] : undefined);

/** The `after` key of a page sorted by two columns (a time or a label, then an id). */
export const afterPair = (cursor?: string): [string, string] | undefined =>
  cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;

/** The next page's cursor from the last row's key (one column or several); null on the last page. */
export const nextCursor = (next: string | readonly string[] | null): string | null =>
  next === null ? null : encodeCursor(typeof next === "string" ? [next] : [...next]);

/**
 * Where a search page ended (src/db/search.ts ranks hits in tiers): the last hit's tier and its sort
 * key within the tier (a code, a folded name and code, or a full-text index rowid).
 */
export type SearchAfter = { tier: 1 | 2 | 3; key: string; code: string };

export const encodeSearchCursor = (a: SearchAfter) => encodeCursor([String(a.tier), a.key, a.code]);

export function decodeSearchCursor(cursor: string): SearchAfter {
  const [tier, key, code] = decodeCursor(cursor, 3) as [string, string, string];
  const t = Number(tier);
  // Tier 3 is ordered by rowid: its key must be an integer.
  if (t === 1 || t === 2 || (t === 3 && /^\d{1,15}$/.test(key))) {
    return { tier: t as SearchAfter["tier"], key, code };
  }
  throw badCursor();
}
