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
  throw new ApiError("bad-request", "The cursor is not one this API issued", {
    errors: [{ path: "cursor", message: "Invalid cursor" }],
  });
}
