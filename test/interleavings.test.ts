/**
 * Random interleavings of the label verbs (fast-check), each forced with test/interleave.ts: a few
 * concurrent callers — award (first, renewal, after a withdrawal), suspend, reinstate, withdraw, expire,
 * rename — on a few structures, each held between its reads and its write batch while others start or
 * land, one of them crashed at a random step (its write, or one of its effects); then the effects are
 * run to completion, as the minute cron would. After every interleaving, the invariants of
 * docs/adr/0007-label-versions.md hold:
 * - at most one current label per structure (not superseded, not withdrawn);
 * - each label's events, in commit order, chain from its award to its status now;
 * - the public answer (JSON, badge, page) says what the database says;
 * - every label's signed credential says what the database says (structure, tier, number);
 * - every status-list bit equals its label's status.
 * INTERLEAVINGS (vitest.config.ts) sets how many: 100 for `npm test`, 1,000 in CI (.ci/run); `INTERLEAVINGS=20` for a quick look.
 */
import { env } from "cloudflare:test";
import { decodeList } from "@digitalbazaar/vc-bitstring-status-list";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { runDueEffects } from "../src/changes/effects";
import { getDb } from "../src/db/client";
import { publicStatus } from "../src/domain/badge";
import { DomainError } from "../src/domain/errors";
import { addDays, anniversary } from "../src/domain/label-dates";
import { parisDay } from "../src/domain/paris-time";
import { changeLabelStatus, expireLabels } from "../src/services/change-label-status";
import type { Deps } from "../src/services/deps";
import { recordDecision } from "../src/services/record-decision";
import { updateStructure } from "../src/services/structures";
import { FACTORY_ACTOR, makeAssignment, makeCertifier, makeInputs, makeStructure } from "./factories";
import { call, sql } from "./helpers";
import { InjectedCrash, interleave } from "./interleave";

const RUNS = Number(env.INTERLEAVINGS);
/** A failure's seed to replay (INTERLEAVINGS_SEED); otherwise fast-check picks one and reports it on failure. */
const SEED = env.INTERLEAVINGS_SEED ? Number(env.INTERLEAVINGS_SEED) : undefined;
const STRUCTURES = 3;

const KINDS = ["award", "suspend", "reinstate", "withdraw", "expire", "rename"] as const;
/** `past`: an award decided long enough ago that its term has ended (the daily expiry applies to it). */
type Op = { kind: (typeof KINDS)[number]; s: number; byBody: boolean; past: boolean };

/** Where a run may crash: a label write, or a step of the effects that follow it. */
const CRASH_POINTS = [
  /set "label_version"/, // the verb's own batch (every label write holds its version guard first)
  /update "effects"/, // claiming its effects
  /into "status_entries"/, // the credential effect: the label's status entry
  /into "credentials"/, // the credential effect: saving the signed credential
  /into "status_lists"/, // the status-list effect: saving the signed list
] as const;

const FRENCH = { valid: "valide", suspended: "suspendu", withdrawn: "retiré", expired: "expiré" } as const;
const BIT_STATUS = { revocation: "withdrawn", suspension: "suspended" } as const;
const MESSAGE_VALUE: Record<string, number> = { suspended: 0x1, withdrawn: 0x2 };

const today = () => parisDay(new Date());
/** An award day whose term (the illustrative référentiel's 36 months) ended ten days ago or so. */
const PAST_DAY = addDays(anniversary(today(), -36), -10);

const codes: string[] = [];
let body: { id: string };

/** A structure assigned to the body, with complete evaluations as of today and as of PAST_DAY. */
async function freshStructure() {
  const { code } = await makeStructure();
  await makeAssignment(code, body.id);
  await makeInputs(code, body.id);
  await makeInputs(code, body.id, { on: PAST_DAY });
  return code;
}

beforeAll(async () => {
  body = await makeCertifier();
  for (let i = 0; i < STRUCTURES; i++) codes.push(await freshStructure());
});

/**
 * A structure with a long history makes every later run slower (a rename signs all its labels again):
 * past a few labels, the next runs use a new one.
 */
async function renewPool() {
  for (let i = 0; i < codes.length; i++) {
    const [row] = await sql<{ n: number }>("SELECT count(*) AS n FROM labels WHERE structure_code = ?", codes[i]);
    if (row!.n >= 4) codes[i] = await freshStructure();
  }
}

const plainDeps = (): { deps: Deps; pending: Promise<unknown>[] } => {
  const pending: Promise<unknown>[] = [];
  return { deps: { db: getDb(env.DB), env, waitUntil: (w) => pending.push(w) }, pending };
};

/** The label a caller acts on: the structure's latest one, as read when it starts (it may be stale). */
async function latest(code: string) {
  const [row] = await sql<{ number: string; expires_on: string }>(
    "SELECT number, expires_on FROM labels WHERE structure_code = ? AND superseded_by IS NULL ORDER BY rowid DESC LIMIT 1",
    code,
  );
  return row ?? null;
}

let renames = 0;
/** One caller's verb, through `db` (the hooked binding). A refusal or an injected crash is a normal end. */
async function perform(op: Op, deps: Deps): Promise<string> {
  const code = codes[op.s]!;
  const actor = op.byBody ? `certifier:${body.id}` : FACTORY_ACTOR;
  try {
    if (op.kind === "award") {
      const decidedOn = op.past ? PAST_DAY : today();
      await recordDecision(deps, { structureCode: code, decision: "award", decidedOn }, actor);
    } else if (op.kind === "rename") {
      await updateStructure(deps, code, { name: `Structure renommée ${++renames}` });
    } else {
      const label = await latest(code);
      if (!label) return "no label";
      const { number } = label;
      if (op.kind === "expire") {
        // As the daily job: only a label whose last day has passed.
        if (label.expires_on >= today()) return "not due";
        await expireLabels(deps, [{ number, structureCode: code }], {
          actor: "system:cron",
          nowIso: new Date().toISOString(),
        });
      } else {
        await changeLabelStatus(deps, number, op.kind, { reason: "Interleaving", actor });
      }
    }
    return "landed";
  } catch (err) {
    if (err instanceof InjectedCrash) return "crashed";
    if (err instanceof DomainError) return err.kind;
    throw err;
  }
}

/**
 * Runs `ops` concurrently under `schedule`: each op starts, runs until its write batch reaches its gate
 * (its reads done) or it ends, and is released later; `choices` pick the next start or release.
 */
async function interleaveRun(ops: Op[], choices: number[], crash: { op: number; at: number; after: boolean } | null) {
  const started = new Map<number, { release: () => void; done: Promise<string>; pending: Promise<unknown>[] }>();
  const released = new Set<number>();
  const outcomes: string[] = [];
  let c = 0;
  while (released.size < ops.length) {
    const eligible = ops.flatMap((_, i) => (!started.has(i) || !released.has(i) ? [i] : []));
    const i = eligible[(choices[c++ % Math.max(1, choices.length)] ?? 0) % eligible.length]!;
    const run = started.get(i);
    if (!run) {
      const hook = interleave(env.DB);
      if (crash?.op === i) hook.crash(CRASH_POINTS[crash.at % CRASH_POINTS.length]!, { after: crash.after });
      const gate = hook.hold(CRASH_POINTS[0]);
      const pending: Promise<unknown>[] = [];
      const deps: Deps = { db: hook.db, env, waitUntil: (w) => pending.push(w) };
      const done = perform(ops[i]!, deps);
      started.set(i, { release: gate.release, done, pending });
      // Until its reads are done and its write waits at the gate, or it ended (refused, crashed).
      await Promise.race([gate.reached, done.then(() => undefined)]);
    } else {
      released.add(i);
      run.release();
      outcomes[i] = await run.done;
      await Promise.allSettled(run.pending);
    }
  }
  return outcomes;
}

/** The minute cron until nothing is left: later and later, past the leases of crashed runs. */
async function effectsToCompletion() {
  const { deps, pending } = plainDeps();
  for (let k = 1; k <= 6; k++) {
    await runDueEffects(deps, new Date(Date.now() + k * 10 * 60_000));
    await Promise.allSettled(pending);
    const [left] = await sql<{ n: number }>("SELECT count(*) AS n FROM effects WHERE status != 'done'");
    if (left!.n === 0) return;
  }
  const left = await sql("SELECT kind, subject, status, attempts, last_error FROM effects WHERE status != 'done'");
  throw new Error(`Effects not done after six cron runs: ${JSON.stringify(left)}`);
}

type LabelRow = {
  number: string;
  status: keyof typeof FRENCH;
  tier: string;
  expires_on: string;
  superseded_by: string | null;
};

/** Every row the invariants read, in one round trip. */
async function recordsOf(code: string) {
  const q = (query: string) => env.DB.prepare(query).bind(code);
  const [labels, events, structure, creds, entries] = await env.DB.batch([
    q("SELECT number, status, tier, expires_on, superseded_by FROM labels WHERE structure_code = ? ORDER BY rowid"),
    q(
      "SELECT e.label_number, e.type, e.from_status, e.to_status FROM label_events e JOIN labels l ON l.number = e.label_number WHERE l.structure_code = ? ORDER BY e.rowid",
    ),
    q("SELECT name FROM structures WHERE code = ?"),
    q(
      "SELECT c.label_number, c.document FROM credentials c JOIN labels l ON l.number = c.label_number WHERE l.structure_code = ?",
    ),
    q(
      `SELECT e.label_number, e.list, e.idx, l.status, s.purpose, s.document FROM status_entries e
       JOIN labels l ON l.number = e.label_number
       LEFT JOIN status_lists s ON s.list = e.list
       WHERE l.structure_code = ?`,
    ),
  ]);
  return {
    labels: labels!.results as LabelRow[],
    events: events!.results as { label_number: string; type: string; from_status: string | null; to_status: string }[],
    name: (structure!.results[0] as { name: string }).name,
    credentials: new Map(
      (creds!.results as { label_number: string; document: string }[]).map((r) => [r.label_number, r.document]),
    ),
    entries: entries!.results as {
      label_number: string;
      list: string;
      idx: number;
      status: string;
      purpose: keyof typeof BIT_STATUS | "message" | null;
      document: string | null;
    }[],
  };
}

/** A signed status list's bits, decoded once per document. */
const decoded = new Map<string, Promise<{ getStatus: (i: number) => boolean }>>();
function bitsOf(document: string) {
  let bits = decoded.get(document);
  if (!bits) {
    bits = decodeList({ encodedList: JSON.parse(document).credentialSubject.encodedList });
    decoded.set(document, bits);
  }
  return bits;
}

async function checkInvariants(code: string) {
  const r = await recordsOf(code);
  // One current label.
  const current = r.labels.filter((l) => l.superseded_by === null && l.status !== "withdrawn");
  expect(current.length, `current labels of ${code}`).toBeLessThanOrEqual(1);

  // Events in commit order chain from the award to the status now.
  for (const l of r.labels) {
    const events = r.events.filter((e) => e.label_number === l.number);
    expect(events[0], `first event of ${l.number}`).toMatchObject({ type: "awarded", from_status: null });
    for (let k = 1; k < events.length; k++) {
      expect(events[k]!.from_status, `event ${k} of ${l.number}`).toBe(events[k - 1]!.to_status);
    }
    expect(events.at(-1)!.to_status, `last event of ${l.number}`).toBe(l.status);
  }

  // The public answer: the latest label not superseded (a new chain after a withdrawal comes last).
  // Its term ended shows as expired, whether the daily expiry ran yet or not (docs/adr/0005).
  const shown = r.labels.filter((l) => l.superseded_by === null).at(-1);
  const status = publicStatus(shown ? { status: shown.status, expiresOn: shown.expires_on } : null, today());
  // Thousands of public reads from one address: the public limiter's place is taken by the API's
  // (a real limiter, raised for tests); throttling is test/rate-limit.test.ts's business.
  const pub = (path: string) => call("GET", path, { token: null, env: { PUBLIC_LIMITER: env.API_LIMITER } });
  const [json, badge, page] = await Promise.all([
    pub(`/v1/public/labels/${code}`),
    pub(`/badge/${code}.svg`),
    pub(`/verify/${code}`),
  ]);
  expect(json.status).toBe(200);
  expect(json.json, `public JSON of ${code}`).toMatchObject(
    shown ? { status, labelNumber: shown.number, tier: shown.tier } : { status: "none" },
  );
  expect(badge.headers.get("X-Label-Status"), `badge of ${code}`).toBe(status);
  const said = /Label (valide|suspendu|retiré|expiré)/.exec(page.text)?.[1] ?? "none";
  expect(said, `page of ${code}`).toBe(status === "none" ? "none" : FRENCH[status as keyof typeof FRENCH]);

  // Credentials: what each says of its label equals the records.
  for (const l of r.labels) {
    const document = r.credentials.get(l.number);
    expect(document, `credential of ${l.number}`).toBeDefined();
    const subject = JSON.parse(document!).credentialSubject;
    expect(subject.licenseNumber).toBe(l.number);
    expect(subject.identifier.map((i: { identityHash: string }) => i.identityHash)).toEqual([code, r.name]);
    expect(subject.achievement.id).toContain(`palier:${l.tier}`);
    // Its one entry names the label's real place (its list may be `2026-2`).
    const place = r.entries.find((x) => x.label_number === l.number);
    const status = JSON.parse(document!).credentialStatus;
    expect(status.statusListCredential).toBe(`${env.PUBLIC_BASE_URL}/status/message/${place?.list}`);
    expect(status.statusListIndex).toBe(String(place?.idx));
  }

  // Status lists: every entry's bit, in each purpose's list, equals its label's status.
  expect(new Set(r.entries.map((e) => e.label_number)).size, `status entries of ${code}`).toBe(r.labels.length);
  for (const l of r.labels) {
    for (const purpose of ["revocation", "suspension"] as const) {
      const e = r.entries.find((x) => x.label_number === l.number && (x.purpose === purpose || x.purpose === null));
      const set = e?.document && e.purpose ? (await bitsOf(e.document)).getStatus(e.idx) : false;
      expect(set, `${purpose} bit of ${l.number} (${l.status})`).toBe(l.status === BIT_STATUS[purpose]);
    }
    // The `message` list: 2 bits per entry, first the high one (0x1 suspended, 0x2 withdrawn).
    const m = r.entries.find((x) => x.label_number === l.number && x.purpose === "message");
    const bits = m?.document ? await bitsOf(m.document) : null;
    const value = bits ? (bits.getStatus(m!.idx * 2) ? 2 : 0) + (bits.getStatus(m!.idx * 2 + 1) ? 1 : 0) : 0;
    expect(value, `message entry of ${l.number} (${l.status})`).toBe(MESSAGE_VALUE[l.status] ?? 0);
  }
}

describe(`label verbs under ${RUNS} random interleavings`, () => {
  it(
    "one current label, events in commit order, public answers, credentials and status lists equal to the records",
    async () => {
      const started = Date.now();
      const spent = { pool: 0, verbs: 0, effects: 0, checks: 0 };
      const op = fc.record({
        kind: fc.constantFrom(...KINDS),
        s: fc.nat({ max: STRUCTURES - 1 }),
        byBody: fc.boolean(),
        past: fc.boolean(),
      });
      const crash = fc.option(
        fc.record({ op: fc.nat({ max: 2 }), at: fc.nat({ max: CRASH_POINTS.length - 1 }), after: fc.boolean() }),
        { freq: 2 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(op, { minLength: 2, maxLength: 3 }),
          fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
          crash,
          async (ops, choices, c) => {
            let t = Date.now();
            const lap = (k: keyof typeof spent) => {
              spent[k] += Date.now() - t;
              t = Date.now();
            };
            await renewPool();
            lap("pool");
            await interleaveRun(ops, choices, c);
            lap("verbs");
            await effectsToCompletion();
            lap("effects");
            for (const s of new Set(ops.map((o) => o.s))) await checkInvariants(codes[s]!);
            lap("checks");
          },
        ),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      console.log(`${RUNS} interleavings in ${((Date.now() - started) / 1000).toFixed(1)} s`, spent);
    },
    RUNS * 2_000 + 60_000,
  );
});
