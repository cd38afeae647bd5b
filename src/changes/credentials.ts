/**
 * Intents of kind `credential` (subject: a Code SP+): every label of the structure gets its Open Badges
 * 3.0 credential, signed and stored — when it has none, when what it says changed (a structure renamed),
 * or when its key is no longer published. A label first gets its place in its year's status lists; a
 * list that does not exist yet is signed at once, and a list whose bits the new place changes (a label
 * suspended or withdrawn before it had a credential) gets a `status-list` intent. What was signed again
 * is purged like any public answer. Never signed per request: routes serve what is stored.
 * @see docs/adr/0006-verifiable-credentials.md
 */
import { issuerKeys } from "../credentials/keys";
import { type LabelFacts, labelCredential } from "../credentials/model";
import { sign } from "../credentials/sign";
import { assignStatusEntry, existingStatusLists, labelFactsOf, saveCredential, setsABit } from "../db/credentials";
import { STATUS_PURPOSES } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import type { Deps } from "../services/deps";
import type { EffectHandler } from "./effects";
import { codeTag, type Intent, insertIntents, labelTag } from "./public-change";
import { purgeLocally } from "./purge";
import { eachSubject, signStatusList } from "./status-lists";

/** Signs what needs signing for one structure; returns the labels whose credential was signed. */
export async function signStructure(deps: Deps, code: string, now: Date): Promise<string[]> {
  const { db } = deps;
  const keys = await issuerKeys(deps.env);
  let rows = await labelFactsOf(db, code);
  const newcomers = rows.filter((r) => r.list === null);
  if (newcomers.length > 0) {
    for (const r of newcomers) await assignWithRetry(deps, r.number);
    rows = await labelFactsOf(db, code);
  }
  const signed: string[] = [];
  const nowIso = now.toISOString();
  for (const r of rows) {
    if (r.list === null || r.index === null) throw new Error(`No status entry for label ${r.number}`);
    const facts: LabelFacts = {
      number: r.number,
      tier: r.tier,
      awardedOn: r.awardedOn,
      expiresOn: r.expiresOn,
      structure: { code: r.code, name: r.name },
      referential: r.referentialVersion ? { version: r.referentialVersion, official: r.official ?? false } : null,
      entry: { list: r.list, index: r.index },
    };
    const unsigned = labelCredential(facts, keys);
    const contentHash = await sha256Hex(JSON.stringify(unsigned));
    if (r.contentHash === contentHash && keys.published.some((k) => k.id === r.verificationMethod)) continue;
    const document = JSON.stringify(await sign(unsigned, keys));
    await saveCredential(db, {
      labelNumber: r.number,
      document,
      contentHash,
      verificationMethod: keys.signing.id,
      signedAt: nowIso,
    });
    signed.push(r.number);
  }

  // The lists these labels point at: a missing one is signed now (a credential must be checkable at once);
  // one whose bits a newcomer changes is queued.
  const lists = [...new Set(rows.map((r) => r.list!))];
  const existing = await existingStatusLists(db, lists);
  const queued: Intent[] = [];
  for (const list of lists) {
    for (const purpose of STATUS_PURPOSES) {
      if (!existing.has(`${purpose}/${list}`)) await signStatusList(deps, purpose, list, now);
      else if (newcomers.some((r) => listOf(rows, r.number) === list && setsABit(r.status))) {
        queued.push({ kind: "status-list", subject: `${purpose}/${list}` });
      }
    }
  }
  const tags = signed.length > 0 ? [codeTag(code), ...signed.map(labelTag)] : [];
  const intents = [...queued, ...tags.map((subject): Intent => ({ kind: "purge", subject }))];
  const [first, ...rest] = insertIntents(db, intents, nowIso);
  if (first) await db.batch([first, ...rest]);
  if (tags.length > 0) await purgeLocally(tags);
  return signed;
}

const listOf = (rows: { number: string; list: string | null }[], number: string) =>
  rows.find((r) => r.number === number)?.list;

/** Two draws of the same free index at once: the second fails on the unique index, and draws again. */
async function assignWithRetry(deps: Deps, labelNumber: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await assignStatusEntry(deps.db, labelNumber);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

export const credentialHandler: EffectHandler = {
  carryOut: (deps, codes, run) => eachSubject(codes, (code) => signStructure(deps, code, run.now)),
  // CPU only (one signature is a few milliseconds: docs/benchmarks.md): done before the change answers.
  background: () => false,
  // The backfill of labels awarded before credentials existed goes at this pace.
  perCronRun: () => 25,
};
