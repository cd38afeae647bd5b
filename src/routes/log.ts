/**
 * The transparency log, served the way existing log tools read logs (docs/transparency-log.md):
 * C2SP tlog-checkpoint at /log/checkpoint, C2SP tlog-tiles under /log/tile/, the verifier key at /log/key,
 * and RFC 9162 proofs as JSON for clients that would rather not compute them from tiles.
 */
import { z } from "@hono/zod-openapi";
import { getDb } from "../db/client";
import { fromHex, latestCheckpoint, leavesBetween, nodesBetween } from "../db/log";
import { logSigner, lookupFor } from "../jobs/log";
import { ApiError } from "../lib/errors";
import { router } from "../lib/router";
import { cachedAnswer, cacheKey } from "../public/cache";
import { consistencyRanges, emptyRoot, inclusionRanges, nodesOf, rangeHash } from "../tlog/merkle";
import { b64, signCheckpoint } from "../tlog/note";
import { entryBundle, parseTilePath, TILE_HEIGHT, TILE_WIDTH, tileWidth } from "../tlog/tiles";
import { apiRoute, json, noSecurity, pick } from "./openapi-common";

export const logRouter = router();

const text = (description: string) => ({ description, content: { "text/plain": { schema: z.string() } } });
const bytes = (description: string) => ({
  description,
  content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
});
const cors = { "Access-Control-Allow-Origin": "*" };

/**
 * The latest signed checkpoint. Before the first one is stored (a new log, or the minute cron not run yet),
 * the empty tree's, signed now: size 0 is a true prefix of whatever the log will hold.
 */
async function checkpointOrThrow(env: Env): Promise<{ size: number; note: string }> {
  const [cp] = await latestCheckpoint(getDb(env.DB));
  if (cp) return cp;
  const signer = await logSigner(env);
  if (!signer) {
    throw new ApiError("unavailable", "The log's signing key is not configured", {
      headers: { "Retry-After": "3600" },
    });
  }
  return { size: 0, note: await signCheckpoint(signer, 0, await emptyRoot()) };
}

logRouter.openapi(
  apiRoute({
    method: "get",
    path: "/log/checkpoint",
    operationId: "getLogCheckpoint",
    security: noSecurity,
    tags: ["log"],
    summary: "The log's latest signed checkpoint",
    description:
      "A C2SP `tlog-checkpoint` signed note: origin, tree size, base64 root hash (RFC 9162), then an Ed25519 " +
      "signature line verifiable with the key at `/log/key`. Signed at most a minute after the last event.",
    responses: { 200: text("The signed note"), ...pick(503) },
  }),
  async (c) => {
    const cp = await checkpointOrThrow(c.env);
    return new Response(cp.note, {
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=10", ...cors },
    }) as never;
  },
);

logRouter.openapi(
  apiRoute({
    method: "get",
    path: "/log/key",
    operationId: "getLogKey",
    security: noSecurity,
    tags: ["log"],
    summary: "The log's verifier key",
    description:
      "The note verifier key checkpoints are signed with: `<name>+<key id>+<base64(0x01 ‖ Ed25519 public key)>` " +
      "(C2SP signed-note). Pin it in monitors and witnesses.",
    responses: { 200: text("The verifier key"), ...pick(503) },
  }),
  async (c) => {
    const signer = await logSigner(c.env);
    if (!signer) {
      throw new ApiError("unavailable", "The log's signing key is not configured", {
        headers: { "Retry-After": "3600" },
      });
    }
    return new Response(`${signer.verifierKey}\n`, {
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=3600", ...cors },
    }) as never;
  },
);

// Tiles: N is written in groups of three digits (`x001/x234/067`), so the path has a variable number of
// segments; the document names the one-segment form.
logRouter.get("/log/tile/*", async (c) => {
  const ref = parseTilePath(new URL(c.req.url).pathname.slice("/log/tile/".length));
  if (!ref) throw new ApiError("not-found", "Not a tile path (C2SP tlog-tiles)");
  const key = cacheKey(new URL(c.req.url).pathname);
  const hit = ref.partial ? null : await cachedAnswer(key);
  if (hit) return hit;
  const cp = await checkpointOrThrow(c.env);
  const level = ref.level === "entries" ? 0 : ref.level;
  const available = tileWidth(level, ref.index, cp.size);
  // A full tile exists once the checkpoint covers it; a partial one only at the width the checkpoint has.
  if (ref.partial ? available !== ref.width : available < TILE_WIDTH) {
    throw new ApiError("not-found", "No such tile in the latest checkpoint's tree");
  }
  const from = ref.index * TILE_WIDTH;
  const db = getDb(c.env.DB);
  let body: Uint8Array;
  if (ref.level === "entries") {
    const rows = await leavesBetween(db, from, from + ref.width);
    body = entryBundle(rows.map((r) => new TextEncoder().encode(r.data)));
  } else {
    const rows = await nodesBetween(db, TILE_HEIGHT * ref.level, from, from + ref.width);
    if (rows.length !== ref.width) throw new ApiError("not-found", "This tile is not hashed yet");
    body = new Uint8Array(ref.width * 32);
    for (const [i, r] of rows.entries()) body.set(fromHex(r.hash), i * 32);
  }
  const res = new Response(body, {
    headers: {
      "Content-Type": "application/octet-stream",
      // A full tile never changes; a partial one is replaced by a wider one as the log grows.
      "Cache-Control": ref.partial ? "public, max-age=10" : "public, max-age=31536000, immutable",
      ...cors,
    },
  });
  res.headers.set("X-Cache", "MISS");
  if (!ref.partial) await caches.default.put(key, res.clone());
  return res;
});

logRouter.openapi(
  apiRoute({
    method: "get",
    path: "/log/tile/{level}/{index}",
    operationId: "getLogTile",
    security: noSecurity,
    tags: ["log"],
    summary: "A tile of the log (C2SP tlog-tiles)",
    description:
      "256 consecutive 32-byte hashes of one level (`level` L holds the hashes of subtrees of 256^L leaves), or " +
      "with `level` = `entries` the leaves themselves, each as a big-endian uint16 length then its bytes. `index` " +
      "from 1,000 on is written in groups of three digits, each but the last prefixed by `x` (`x001/x234/067`), and " +
      "a tile not yet full is `{index}.p/{width}`. Full tiles never change (cached a year).",
    request: {
      params: z.object({
        level: z.string().openapi({ example: "0" }),
        index: z.string().openapi({ example: "000" }),
      }),
    },
    responses: { 200: bytes("The tile"), ...pick(404, 503) },
  }),
  () => {
    throw new ApiError("not-found", "Not a tile path (C2SP tlog-tiles)"); // answered by the route above
  },
);

const Proof = z
  .object({
    size: z.number().int().openapi({ example: 42 }),
    rootHash: z.string().openapi({
      description: "Base64 root of the tree of `size` leaves",
      example: "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
    }),
    proof: z.array(z.string()).openapi({ description: "Base64 hashes, RFC 9162 order", example: ["3q2+7w=="] }),
  })
  .openapi("LogProof");

const sizeParam = (name: string, description: string) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .openapi({ param: { name, in: "query" }, description, example: 42 });

logRouter.openapi(
  apiRoute({
    method: "get",
    path: "/log/proof/inclusion",
    operationId: "getLogInclusionProof",
    security: noSecurity,
    tags: ["log"],
    summary: "Inclusion proof of a leaf (RFC 9162 §2.1.3)",
    description:
      "That leaf `index` is in the tree of `size` leaves (a signed checkpoint's size, at most the latest). Verify " +
      "with the leaf hash SHA-256(0x00 ‖ entry) and the checkpoint's root.",
    request: {
      query: z.object({
        index: sizeParam("index", "The leaf's index (`logIndex` in the public history)"),
        size: sizeParam("size", "The tree size of a checkpoint"),
      }),
    },
    responses: {
      200: json(Proof.extend({ index: z.number().int(), leafHash: z.string() }), "The proof"),
      ...pick(503),
    },
  }),
  async (c) => {
    const { index, size } = c.req.valid("query");
    const cp = await checkpointOrThrow(c.env);
    if (size > cp.size || index >= size) {
      throw new ApiError("unprocessable", `Need index < size ≤ ${cp.size} (the latest checkpoint's size)`, {
        errors: [{ path: index >= size ? "index" : "size", message: `index < size ≤ ${cp.size}` }],
      });
    }
    const ranges = inclusionRanges(index, size);
    const get = await lookupFor(getDb(c.env.DB), [...nodesOf(ranges), ...nodesOf([[0, size]]), { level: 0, index }]);
    const proof = await Promise.all(ranges.map(([s, e]) => rangeHash(s, e, get)));
    return c.json(
      {
        index,
        size,
        leafHash: b64(get({ level: 0, index })),
        rootHash: b64(await rangeHash(0, size, get)),
        proof: proof.map(b64),
      },
      200,
      cors,
    );
  },
);

logRouter.openapi(
  apiRoute({
    method: "get",
    path: "/log/proof/consistency",
    operationId: "getLogConsistencyProof",
    security: noSecurity,
    tags: ["log"],
    summary: "Consistency proof between two tree sizes (RFC 9162 §2.1.4)",
    description:
      "That the tree of `from` leaves is a prefix of the tree of `to` leaves: nothing logged was changed or " +
      "removed between two checkpoints.",
    request: {
      query: z.object({
        from: sizeParam("from", "The older checkpoint's size (≥ 1)"),
        to: sizeParam("to", "The newer checkpoint's size"),
      }),
    },
    responses: {
      200: json(Proof.extend({ from: z.number().int(), fromRootHash: z.string() }), "The proof"),
      ...pick(503),
    },
  }),
  async (c) => {
    const { from, to } = c.req.valid("query");
    const cp = await checkpointOrThrow(c.env);
    if (from < 1 || from > to || to > cp.size) {
      throw new ApiError("unprocessable", `Need 1 ≤ from ≤ to ≤ ${cp.size} (the latest checkpoint's size)`, {
        errors: [{ path: from < 1 || from > to ? "from" : "to", message: `1 ≤ from ≤ to ≤ ${cp.size}` }],
      });
    }
    const ranges = consistencyRanges(from, to);
    const get = await lookupFor(getDb(c.env.DB), [
      ...nodesOf(ranges),
      ...nodesOf([
        [0, from],
        [0, to],
      ]),
    ]);
    const proof = await Promise.all(ranges.map(([s, e]) => rangeHash(s, e, get)));
    return c.json(
      {
        from,
        size: to,
        fromRootHash: b64(await rangeHash(0, from, get)),
        rootHash: b64(await rangeHash(0, to, get)),
        proof: proof.map(b64),
      },
      200,
      cors,
    );
  },
);
