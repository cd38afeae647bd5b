/**
 * C2SP `tlog-tiles` addressing: a tile is 256 hashes (height 8) of one tree level, at
 * `/log/tile/<L>/<N>` (level-L tiles hold the hashes of level 8·L subtrees, i.e. of 256^L leaves each),
 * the leaves' data at `/log/tile/entries/<N>`; a tile not yet full is `…/<N>.p/<W>` (W of 256). N is
 * written in groups of three digits, every group but the last prefixed by `x`: 1234067 → x001/x234/067.
 * Pure: no I/O.
 * @see https://github.com/C2SP/C2SP/blob/main/tlog-tiles.md
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** N as path segments (`x001/x234/067`). */
export function encodeIndex(n: number): string {
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, "0"));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join("/");
}

export type TileRef = { level: number | "entries"; index: number; width: number; partial: boolean };

/**
 * The tile a path after `/log/tile/` names, or null when the path is not one a tile reader asks (every
 * canonical spelling only: leading zeros as the spec writes them, no `.p/256`).
 */
export function parseTilePath(path: string): TileRef | null {
  const m = /^(entries|[0-9]|[1-5][0-9]|6[0-3])\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) return null;
  const groups = m[2]!.split("/").map((g) => g.replace(/^x/, ""));
  if (groups.length > 1 && groups[0] === "000") return null; // no leading zero groups
  const index = groups.reduce((n, g) => n * 1000 + Number(g), 0);
  if (!Number.isSafeInteger(index)) return null;
  const width = m[3] ? Number(m[3]) : TILE_WIDTH;
  if (width > TILE_WIDTH || (m[3] && width === TILE_WIDTH)) return null;
  return { level: m[1] === "entries" ? "entries" : Number(m[1]), index, width, partial: Boolean(m[3]) };
}

/** The path of a tile (for links and tests). */
export const tilePath = (t: Omit<TileRef, "partial">) =>
  `/log/tile/${t.level}/${encodeIndex(t.index)}${t.width < TILE_WIDTH ? `.p/${t.width}` : ""}`;

/** How wide tile N of a level is in a tree of `size` leaves: 0 when it does not exist yet. */
export function tileWidth(level: number, index: number, size: number): number {
  const perEntry = 2 ** (TILE_HEIGHT * level); // leaves under one hash of this level
  const entries = Math.floor(size / perEntry); // complete hashes at this level
  return Math.max(0, Math.min(TILE_WIDTH, entries - index * TILE_WIDTH));
}

/** An entry bundle: each entry as a big-endian uint16 length, then its bytes. */
export function entryBundle(entries: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(entries.reduce((n, e) => n + 2 + e.length, 0));
  let at = 0;
  for (const e of entries) {
    if (e.length > 0xffff) throw new RangeError("a log entry is at most 65,535 bytes");
    out[at++] = e.length >> 8;
    out[at++] = e.length & 0xff;
    out.set(e, at);
    at += e.length;
  }
  return out;
}
