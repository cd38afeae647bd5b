/**
 * Intents of kind `credential` (subject: a Code SP+): every label of the structure gets its Open Badges
 * 3.0 credential, signed and stored — when it has none, when what it says changed (a structure renamed),
 * or when its key is no longer published. A label first gets its place in its year's open status list
 * (a new list of the same year once one is full), in ONE batch with the `status-list` intents of the list
 * it lands in: a run that dies right after still leaves the list to be signed with the label's bit. A
 * list that does not exist yet is signed at once. Each credential is saved, with its purge intents, only
 * if no other run saved one since it was read (ADR 0008); a run that loses reads again and signs again.
 * Never signed per request: routes serve what is stored.
 * @see docs/adr/0006-verifiable-credentials.md
 * @see docs/adr/0008-signed-documents-and-claims.md
 */
import { issuerKeys } from "../credentials/keys";
import { type LabelFacts, labelCredential, listOfLabel } from "../credentials/model";
import { sign } from "../credentials/sign";
import type { Db } from "../db/client";
import { failedConstraint } from "../db/constraints";
import {
  assignStatusEntry,
  existingStatusLists,
  labelFactsOf,
  openListOfYear,
  saveCredential,
  statusEntryOf,
} from "../db/credentials";
import { STATUS_PURPOSES } from "../db/schema";
import { config } from "../env";
import { sha256Hex } from "../lib/crypto";
import type { Deps } from "../services/deps";
import type { EffectHandler } from "./effects";
import { codeTag, insertIntents, labelTag, lastKnownIntent, statusListIntentStatements } from "./public-change";
import { purgeLocally } from "./purge";
import { eachSubject, SAVE_ATTEMPTS, signStatusList } from "./status-lists";

type Facts = Awaited<ReturnType<typeof labelFactsOf>>[number];

/** Signs what needs signing for one structure; returns the labels whose credential was signed. */
export async function signStructure(deps: Deps, code: string, now: Date): Promise<string[]> {
  const { db } = deps;
  const keys = await issuerKeys(deps.env);
  const nowIso = now.toISOString();
  let rows = await labelFactsOf(db, code);
  const newcomers = rows.filter((r) => r.list === null);
  if (newcomers.length > 0) {
    for (const r of newcomers) await placeInList(deps, r.number, nowIso);
    rows = await labelFactsOf(db, code);
  }
  const signed: string[] = [];
  for (const first of rows) {
    let r: Facts | undefined = first;
    for (let attempt = 1; r; attempt++) {
      const outcome = await signLabel(db, keys, r, code, nowIso);
      if (outcome === "signed") signed.push(r.number);
      if (outcome !== "lost") break;
      if (attempt >= SAVE_ATTEMPTS) throw new Error(`Credential of ${r.number} saved by another run each time`);
      r = (await labelFactsOf(db, code)).find((x) => x.number === first.number);
    }
  }

  // A list a credential points at must be checkable at once: one that does not exist yet is signed now.
  const lists = [...new Set(rows.map((r) => r.list!))];
  const existing = await existingStatusLists(db, lists);
  for (const list of lists) {
    for (const purpose of STATUS_PURPOSES) {
      if (!existing.has(`${purpose}/${list}`)) await signStatusList(deps, purpose, list, now);
    }
  }
  if (signed.length > 0) {
    await purgeLocally([codeTag(code), ...signed.map(labelTag)]);
    // A credential signed after its change (the cron's retry, a backfill) is stored with the last known answer too.
    const [known] = insertIntents(db, [lastKnownIntent(code)], nowIso);
    await db.batch([known!]);
  }
  return signed;
}

/**
 * Signs one label's credential if what it says changed (or its key is no longer published) and saves
 * it with the purge intents of its answers, in one batch, if nobody saved one since `r` was read.
 */
async function signLabel(
  db: Db,
  keys: Awaited<ReturnType<typeof issuerKeys>>,
  r: Facts,
  code: string,
  nowIso: string,
): Promise<"unchanged" | "signed" | "lost"> {
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
  if (r.contentHash === contentHash && keys.published.some((k) => k.id === r.verificationMethod)) return "unchanged";
  const document = JSON.stringify(await sign(unsigned, keys));
  const purges = [codeTag(code), labelTag(r.number)].map((subject) => ({ kind: "purge" as const, subject }));
  const [saved] = await db.batch([
    saveCredential(
      db,
      { labelNumber: r.number, document, contentHash, verificationMethod: keys.signing.id, signedAt: nowIso },
      r.generation,
    ),
    ...insertIntents(db, purges, nowIso),
  ]);
  return saved.length > 0 ? "signed" : "lost";
}

/**
 * Gives a label its place in the open list of its year, in one batch with the `status-list` intents of
 * the list it lands in (selected in the batch from the place itself). A list filled meanwhile, or an
 * index drawn at the same time by another run, makes the batch place nothing: try the next open list.
 */
async function placeInList(deps: Deps, labelNumber: string, nowIso: string) {
  const { db } = deps;
  const capacity = config(deps.env).STATUS_LIST_CAPACITY;
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
    const list = await openListOfYear(db, listOfLabel(labelNumber), capacity);
    try {
      await db.batch([
        assignStatusEntry(db, labelNumber, list, capacity),
        ...statusListIntentStatements(db, [labelNumber], nowIso),
      ]);
    } catch (err) {
      if (failedConstraint(err)?.kind !== "unique") throw err;
      continue;
    }
    if (await statusEntryOf(db, labelNumber)) return;
  }
  throw new Error(`No place found for label ${labelNumber} in the status lists of its year`);
}

export const credentialHandler: EffectHandler = {
  carryOut: (deps, codes, run) => eachSubject(codes, (code) => signStructure(deps, code, run.now)),
  // CPU only (one signature is a few milliseconds: docs/benchmarks.md): done before the change answers.
  background: () => false,
  // The backfill of labels awarded before credentials existed goes at this pace.
  perCronRun: () => 25,
};
