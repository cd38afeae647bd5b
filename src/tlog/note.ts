/**
 * Checkpoints as C2SP `tlog-checkpoint` signed notes (`signed-note`, Ed25519), the format the Go
 * checksum database, Sigstore and the witness network read:
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key id ‖ signature)>\n
 *
 * The signature is over the note's text (the three lines, each ending in \n). The key id is the first
 * 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key); the verifier key, published in docs and at
 * /log/key, is `<name>+<hex key id>+<base64(0x01 ‖ public key)>`. Ed25519 through WebCrypto: the same
 * code runs in the Worker and in Node (examples/monitor.mjs reimplements it on purpose, independently).
 * @see https://github.com/C2SP/C2SP/blob/main/tlog-checkpoint.md and signed-note.md
 */

const ALG_ED25519 = 0x01;
/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): WebCrypto imports private keys only so. */
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

export const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
export const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

export type NoteSigner = {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
  verifierKey: string;
  key: CryptoKey;
};

async function keyIdOf(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const data = new Uint8Array([...new TextEncoder().encode(name), 0x0a, ALG_ED25519, ...publicKey]);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data)).slice(0, 4);
}

/** The signer of key `name` (the log's origin) from a 32-byte Ed25519 seed. */
export async function noteSigner(name: string, seed: Uint8Array): Promise<NoteSigner> {
  if (seed.length !== 32) throw new Error("the log's signing key must be a 32-byte Ed25519 seed");
  if (!/^[^\s+]+$/.test(name)) throw new Error("a note key name has no spaces and no '+'");
  const pkcs8 = new Uint8Array([...PKCS8_PREFIX, ...seed]);
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const jwk = (await crypto.subtle.exportKey("jwk", key)) as JsonWebKey;
  const publicKey = unb64(jwk.x!.replace(/-/g, "+").replace(/_/g, "/"));
  const keyId = await keyIdOf(name, publicKey);
  const verifierKey = `${name}+${hex(keyId)}+${b64(Uint8Array.of(ALG_ED25519, ...publicKey))}`;
  return { name, keyId, publicKey, verifierKey, key };
}

/** The checkpoint body: origin, size, root — each line ending in a newline. */
export const checkpointBody = (origin: string, size: number, root: Uint8Array) => `${origin}\n${size}\n${b64(root)}\n`;

/** The signed note of a checkpoint. */
export async function signCheckpoint(signer: NoteSigner, size: number, root: Uint8Array): Promise<string> {
  const body = checkpointBody(signer.name, size, root);
  const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", signer.key, new TextEncoder().encode(body)));
  return `${body}\n— ${signer.name} ${b64(new Uint8Array([...signer.keyId, ...sig]))}\n`;
}

export type Checkpoint = { origin: string; size: number; root: Uint8Array };

/** Reads and verifies a signed checkpoint against a verifier key; throws saying why it is not one. */
export async function verifyCheckpoint(note: string, verifierKey: string): Promise<Checkpoint> {
  // The key's base64 may itself hold '+': only the first two separate fields.
  const [name, keyHex] = verifierKey.split("+", 2);
  const keyB64 = verifierKey.slice((name?.length ?? 0) + (keyHex?.length ?? 0) + 2);
  const raw = unb64(keyB64 ?? "");
  if (!name || !keyHex || raw[0] !== ALG_ED25519 || raw.length !== 33) throw new Error("not an Ed25519 verifier key");
  const publicKey = raw.slice(1);
  if (hex(await keyIdOf(name, publicKey)) !== keyHex) throw new Error("the verifier key's id does not match its key");
  const cut = note.indexOf("\n\n");
  if (cut < 0) throw new Error("no signature block");
  const body = note.slice(0, cut + 1);
  const lines = body.split("\n");
  const [origin, sizeText, rootText] = lines;
  if (lines.length < 4 || !origin || !/^\d+$/.test(sizeText ?? "") || !rootText) throw new Error("not a checkpoint");
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  for (const line of note.slice(cut + 2).split("\n")) {
    const m = /^— (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const sig = unb64(m[2]!);
    if (hex(sig.slice(0, 4)) !== keyHex) continue;
    if (await crypto.subtle.verify("Ed25519", key, sig.slice(4), new TextEncoder().encode(body))) {
      return { origin, size: Number(sizeText), root: unb64(rootText) };
    }
    throw new Error("the checkpoint's signature does not verify");
  }
  throw new Error(`no signature by ${name}`);
}
