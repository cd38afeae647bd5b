/**
 * The benchmark's floor: a bare Worker (no framework, no validation, no rendering) run by
 * `wrangler dev` with the registry's own config, so the same bindings (the D1 database with the
 * seed, the Cache API, the rate limiters). bench/run.mjs measures it in the same run as the registry,
 * and each public row of the results is divided by the floor of what it does: a cache hit by one Cache
 * API lookup, a cache miss by one D1 read by primary key. The /step/… routes are the parts of a miss,
 * one at a time, to see where a miss's time goes (docs/benchmarks.md).
 */

/** One answer kept in the Cache API; about the size of a badge. */
const CACHED = "https://floor.invalid/cached";
const BODY = `<svg xmlns="http://www.w3.org/2000/svg">${"x".repeat(1200)}</svg>`;

/** One row by primary key from the table a public cache miss reads; its rows-read in a header. */
async function readRow(db, code) {
  const { results, meta } = await db.prepare("SELECT * FROM public_labels WHERE code = ?").bind(code).all();
  return new Response(JSON.stringify(results[0] ?? null), {
    status: results[0] ? 200 : 404,
    headers: { "Content-Type": "application/json", "X-D1-Rows-Read": String(meta.rows_read) },
  });
}

const uniqueKey = (url) => new Request(`https://floor.invalid/miss/${url.searchParams.get("i")}`);

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const code = url.searchParams.get("code") ?? "";
    switch (url.pathname) {
      case "/":
        return new Response("ok");
      case "/cache": {
        const hit = await caches.default.match(CACHED);
        if (hit) return hit;
        // The first request (bench/run.mjs's priming one) stores the answer; every later one is a hit.
        const res = new Response(BODY, {
          headers: { "Content-Type": "image/svg+xml", "Cache-Control": "max-age=3600" },
        });
        await caches.default.put(CACHED, res.clone());
        return res;
      }
      case "/d1":
        return readRow(env.DB, code);
      case "/step/cache-miss":
        return new Response((await caches.default.match(uniqueKey(url))) ? "hit" : "miss");
      case "/step/limiter":
        return new Response(String((await env.PUBLIC_LIMITER.limit({ key: "floor" })).success));
      case "/step/d1-session":
        return readRow(env.DB.withSession("first-unconstrained"), code);
      case "/step/cache-put": {
        await caches.default.put(uniqueKey(url), new Response(BODY, { headers: { "Cache-Control": "max-age=300" } }));
        return new Response("stored");
      }
      case "/step/miss": {
        // A public cache miss's I/O in the registry's order, and nothing else.
        const key = uniqueKey(url);
        if (await caches.default.match(key)) return new Response("unexpected hit", { status: 500 });
        await env.PUBLIC_LIMITER.limit({ key: "floor" });
        const row = await readRow(env.DB.withSession("first-unconstrained"), code);
        const res = new Response(await row.text(), { headers: { "Cache-Control": "max-age=300" } });
        await caches.default.put(key, res.clone());
        return res;
      }
      case "/step/miss-overlapped": {
        // The same I/O, reordered: lookup and limiter at once, the put after the answer (waitUntil).
        const key = uniqueKey(url);
        const [hit] = await Promise.all([caches.default.match(key), env.PUBLIC_LIMITER.limit({ key: "floor" })]);
        if (hit) return new Response("unexpected hit", { status: 500 });
        const row = await readRow(env.DB.withSession("first-unconstrained"), code);
        const res = new Response(await row.text(), { headers: { "Cache-Control": "max-age=300" } });
        ctx.waitUntil(caches.default.put(key, res.clone()));
        return res;
      }
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
