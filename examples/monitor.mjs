#!/usr/bin/env node
// A monitor of the registry's transparency log that anyone can run (docs/transparency-log.md):
//   REGISTRY_URL=https://… node examples/monitor.mjs [--state monitor-state.json] [--key '<verifier key>']
// 1. fetches the checkpoint and verifies its Ed25519 signature with the pinned verifier key (--key, or the
//    one kept in the state file; on a first run, the registry's /log/key, which it then pins);
// 2. fetches the tiles it has not seen (full tiles are immutable: kept in the state file), re-hashes every
//    entry, and recomputes the root: it must equal the checkpoint's, and every hash tile must agree;
// 3. checks that the tree it kept last time is a prefix of today's (same leaves, same root: the log was only
//    appended to), and asks the registry's consistency proof and verifies it too;
// 4. checks that today's public answer of every label agrees with its last event in the log.
// Prints a short report; exits 1 on any disagreement. No dependency: WebCrypto and fetch, as in Node ≥ 20.
// Written apart from the registry's code on purpose (RFC 9162, C2SP tlog-checkpoint and tlog-tiles): it
// trusts nothing the registry computes.

const te = new TextEncoder();
const b64 = (u8) => btoa(String.fromCharCode(...u8));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const hex = (u8) => [...u8].map((b) => b.toString(16).padStart(2, "0")).join("");
const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const sha256 = async (u8) => new Uint8Array(await crypto.subtle.digest("SHA-256", u8));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 9162 §2.1.1: MTH of leaf hashes, split at the largest power of two below n. */
async function mth(hashes, lo = 0, hi = hashes.length) {
  const n = hi - lo;
  if (n === 0) return sha256(new Uint8Array());
  if (n === 1) return hashes[lo];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(cat(Uint8Array.of(1), await mth(hashes, lo, lo + k), await mth(hashes, lo + k, hi)));
}

/** RFC 9162 §2.1.4.2. */
async function verifyConsistency(m, n, oldRoot, newRoot, proof) {
  if (m === n) return proof.length === 0 && same(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = (m & (m - 1)) === 0 ? [oldRoot, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      fr = await sha256(cat(Uint8Array.of(1), c, fr));
      sr = await sha256(cat(Uint8Array.of(1), c, sr));
      while (!(fn & 1) && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = await sha256(cat(Uint8Array.of(1), sr, c));
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && same(fr, oldRoot) && same(sr, newRoot);
}

/** C2SP signed-note with an Ed25519 verifier key `<name>+<hex id>+<base64(0x01 ‖ key)>`. */
async function verifyNote(note, verifierKey) {
  const [name, id] = verifierKey.split("+", 2);
  const raw = unb64(verifierKey.slice(name.length + id.length + 2));
  if (raw[0] !== 1 || raw.length !== 33) throw new Error("not an Ed25519 verifier key");
  const expectId = hex((await sha256(cat(te.encode(name), Uint8Array.of(0x0a), raw))).slice(0, 4));
  if (expectId !== id) throw new Error("verifier key id mismatch");
  const cut = note.indexOf("\n\n");
  const body = note.slice(0, cut + 1);
  const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
  for (const line of note.slice(cut + 2).split("\n")) {
    const m = /^— (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const sig = unb64(m[2]);
    if (hex(sig.slice(0, 4)) !== id) continue;
    if (await crypto.subtle.verify("Ed25519", key, sig.slice(4), te.encode(body))) {
      const [origin, size, root] = body.split("\n");
      if (origin !== name) throw new Error("the checkpoint's origin is not the key's name");
      return { size: Number(size), root: unb64(root) };
    }
  }
  throw new Error("the checkpoint's signature does not verify with the pinned key");
}

const tileIndex = (n) => {
  const g = [];
  do {
    g.unshift(String(n % 1000).padStart(3, "0"));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return g.map((x, i) => (i < g.length - 1 ? `x${x}` : x)).join("/");
};

/**
 * One monitoring run. `get(path, init)` fetches from the registry; `state` is what the last run kept
 * (or {}); returns { ok, lines, state }.
 */
export async function monitor({ get, state = {}, key }) {
  const lines = [];
  const problems = [];
  const fail = (m) => problems.push(m);
  const text = async (path) => {
    const r = await get(path);
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r;
  };

  const pinned = key ?? state.key ?? (await (await text("/log/key")).text()).trim();
  const note = await (await text("/log/checkpoint")).text();
  const cp = await verifyNote(note, pinned);
  lines.push(`checkpoint: ${cp.size} leaves, root ${b64(cp.root)} — signature verified (${pinned.split("+")[0]})`);

  // 2. entries and hash tiles; full tiles are kept (immutable), partial ones fetched each time.
  const tiles = { ...(state.tiles ?? {}) };
  const entries = [];
  for (let n = 0; n * 256 < cp.size; n++) {
    const width = Math.min(256, cp.size - n * 256);
    const path = `/log/tile/entries/${tileIndex(n)}${width < 256 ? `.p/${width}` : ""}`;
    let bytes = width === 256 && tiles[path] ? unb64(tiles[path]) : null;
    if (!bytes) {
      bytes = new Uint8Array(await (await text(path)).arrayBuffer());
      if (width === 256) tiles[path] = b64(bytes);
    }
    for (let at = 0; at < bytes.length; ) {
      const len = (bytes[at] << 8) | bytes[at + 1];
      entries.push(bytes.slice(at + 2, at + 2 + len));
      at += 2 + len;
    }
  }
  if (entries.length !== cp.size) fail(`the entry tiles hold ${entries.length} entries, the checkpoint ${cp.size}`);
  const leafHashes = await Promise.all(entries.map((e) => sha256(cat(Uint8Array.of(0), e))));
  const root = await mth(leafHashes);
  if (!same(root, cp.root)) fail("the root recomputed from the entries is not the checkpoint's");
  else lines.push(`root recomputed from ${entries.length} entries: matches`);
  for (let n = 0; n * 256 < cp.size; n++) {
    const width = Math.min(256, cp.size - n * 256);
    const bytes = new Uint8Array(
      await (await text(`/log/tile/0/${tileIndex(n)}${width < 256 ? `.p/${width}` : ""}`)).arrayBuffer(),
    );
    for (let i = 0; i < width; i++) {
      if (!same(bytes.slice(i * 32, i * 32 + 32), leafHashes[n * 256 + i])) {
        fail(`hash tile 0/${n}: leaf ${n * 256 + i} disagrees with its entry`);
        break;
      }
    }
  }

  // 3. append-only: what the last run saw is a prefix of today's tree.
  if (state.size) {
    if (cp.size < state.size) fail(`the tree shrank: ${state.size} → ${cp.size}`);
    else {
      const old = await mth(leafHashes, 0, state.size);
      if (!same(old, unb64(state.root))) fail(`the first ${state.size} leaves no longer make the root kept last time`);
      const p = await (await text(`/log/proof/consistency?from=${state.size}&to=${cp.size}`)).json();
      const ok = await verifyConsistency(state.size, cp.size, unb64(state.root), cp.root, p.proof.map(unb64));
      if (!ok) fail(`the registry's consistency proof ${state.size} → ${cp.size} does not verify`);
      else lines.push(`consistent with the checkpoint kept last time (${state.size} leaves)`);
    }
  }

  // 4. each label's public answer agrees with its last event in the log.
  const last = new Map();
  for (const e of entries) {
    const x = JSON.parse(new TextDecoder().decode(e));
    if (x.label) last.set(x.label, x);
  }
  const expected = {
    awarded: "valid",
    renewed: "valid",
    reinstated: "valid",
    suspended: "suspended",
    withdrawn: "withdrawn",
    expired: "expired",
  };
  const numbers = [...last.keys()];
  let agreeing = 0;
  for (let i = 0; i < numbers.length; i += 100) {
    const refs = numbers.slice(i, i + 100);
    const r = await get("/v1/public/labels/verify", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refs }),
    });
    if (!r.ok) throw new Error(`/v1/public/labels/verify: HTTP ${r.status}`);
    for (const item of (await r.json()).items) {
      const event = last.get(item.ref);
      const want = expected[event.type.replace(/^label\./, "")];
      // Expiry is date-driven: a label past its last day answers « expired » before the night's job logs it.
      const dateExpired = want === "valid" || want === "suspended" ? item.status === "expired" : false;
      if (item.status === want || dateExpired) agreeing++;
      else
        fail(`${item.ref}: the log's last event is ${event.type} (${event.on}); the public answer says ${item.status}`);
    }
  }
  lines.push(`${agreeing} of ${numbers.length} labels: public answer agrees with the log`);

  return {
    ok: problems.length === 0,
    lines: [...lines, ...problems.map((p) => `DISAGREEMENT: ${p}`)],
    state: { key: pinned, size: cp.size, root: b64(cp.root), tiles },
  };
}

// As a command: `node examples/monitor.mjs`.
if (globalThis.process?.argv?.[1] && import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync, existsSync } = await import("node:fs");
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const base = (process.env.REGISTRY_URL ?? "http://localhost:8787").replace(/\/+$/, "");
  const stateFile = arg("--state") ?? "monitor-state.json";
  const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : {};
  const r = await monitor({ get: (path, init) => fetch(base + path, init), state, key: arg("--key") });
  for (const l of r.lines) console.log(l);
  if (r.ok) {
    writeFileSync(stateFile, JSON.stringify(r.state));
    console.log(`OK — state kept in ${stateFile}`);
  } else {
    console.log("FAILED — the state file is left as it was");
    process.exit(1);
  }
}
