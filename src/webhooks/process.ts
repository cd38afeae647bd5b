/**
 * Receiving a delivery: verify, store raw, then — only for the copy that stored it — validate,
 * authorise and dispatch. Every answer given to the first copy is stored and given again, byte
 * for byte, to every later copy of the same `webhook-id`.
 */
import { eq } from "drizzle-orm";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { activeWebhookSecrets } from "../db/certifiers";
import type { Db } from "../db/client";
import {
  answerOf,
  claim,
  findInboxRow,
  getInboxRow,
  INBOX_EXCERPT_BYTES,
  type InboxRow,
  lostClaim,
  markAnswered,
  markFailed,
  markRejected,
  type StoredAnswer,
  sameBody,
  storeDelivery,
  waitForAnswer,
} from "../db/inbox";
import { certifiers, labels, structures } from "../db/schema";
import { parisDay } from "../domain/badge";
import { conflict, forbidden, invalid } from "../domain/errors";
import { assignmentRefusal, futureDates, habilitationRefusal } from "../domain/habilitation";
import { newId, sha256Hex } from "../lib/crypto";
import { ApiError, asApiError, fieldErrors, toProblem } from "../lib/errors";
import type { Deps } from "../services/deps";
import { eventDates, WebhookEvent } from "./events";
import { type HandlerContext, handlers } from "./handlers";
import { hasSignatureHeaders, type SignatureHeaders, verifySignature } from "./verify";

export type Answer = { status: ContentfulStatusCode; body: string; headers?: Record<string, string> };

/** Same detail whatever failed, so a caller learns nothing about which certifier ids exist. */
export const UNAUTHENTICATED = "The delivery could not be authenticated (Standard Webhooks signature)";

const MAX_WEBHOOK_ID = 256;

const instanceOf = (certifierId: string) => `/v1/webhooks/certifiers/${encodeURIComponent(certifierId)}`;

/** Counts deliveries against rate limits; each may throw a 429 ApiError. */
export type DeliveryLimits = {
  /** A delivery whose signature did not verify (counted per client IP and per body id). */
  unauthenticated: () => Promise<void>;
  /** A delivery the body signed: the body's own quota. */
  authenticated: () => Promise<void>;
};

export type DeliveryOptions = {
  /** Days after the habilitation ended during which results performed before may still arrive. */
  graceDays: number;
  limits?: DeliveryLimits;
  /** The instant of reception: the day a body acts on (Europe/Paris). */
  now?: Date;
};

/**
 * The whole POST /v1/webhooks/certifiers/{certifierId}. Its own refusals that are about HTTP (the
 * signature, the `webhook-id` header, a copy still being applied: Retry-After) are ApiErrors; the
 * registry's rules throw DomainErrors.
 */
export async function receiveDelivery(
  deps: Deps,
  certifierId: string,
  headers: SignatureHeaders,
  body: string,
  opts: DeliveryOptions,
): Promise<Answer> {
  const { db } = deps;
  const now = opts.now ?? new Date();
  // Without the three headers nothing can verify: refused before any database read.
  const authentic =
    hasSignatureHeaders(headers) && verifySignature(await activeWebhookSecrets(db, certifierId, now), body, headers);
  if (!authentic) {
    await opts.limits?.unauthenticated();
    throw new ApiError("unauthorized", UNAUTHENTICATED);
  }
  await opts.limits?.authenticated();
  const webhookId = headers["webhook-id"]!;
  if (webhookId.length > MAX_WEBHOOK_ID) {
    throw new ApiError("bad-request", `webhook-id is longer than ${MAX_WEBHOOK_ID} characters`, {
      errors: [{ path: "webhook-id", message: "Too long" }],
    });
  }

  const id = newId("whe");
  const claimToken = newId("clm");
  const payloadSha256 = await sha256Hex(body);
  const stored = await storeDelivery(db, {
    id,
    certifierId,
    webhookId,
    type: typeOf(body),
    payload: body,
    payloadSha256,
    payloadSize: new TextEncoder().encode(body).length,
    receivedAt: now.toISOString(),
    claimToken,
  });
  if (stored.inserted)
    return applyStored(deps, { id, certifierId, payload: body, receivedAt: now.toISOString(), claimToken }, opts);

  const row = stored.row;
  if (!sameBody(row, body, payloadSha256)) {
    throw conflict("This webhook-id was already used for a different body", [
      { path: "webhook-id", message: "Use a new webhook-id for a new message" },
    ]);
  }
  const answer = answerOf(row) ?? (await waitForAnswer(db, row.id, staleBefore(now)));
  if (answer) return asAnswer(answer);
  // The copy applying it failed, let it go (a race: « retry »), or is stuck: take over, once, if nobody
  // else has. Its claim token changes, so a stuck copy that wakes up can no longer land anything.
  const taken = await claim(db, row.id, { rejected: false, stalledBefore: staleBefore(now) });
  if (taken) return applyStored(deps, taken, opts);
  throw new ApiError("conflict", "A copy of this delivery is still being applied; retry later", {
    headers: { "Retry-After": "5" },
  });
}

/** A delivery claimed this long ago and still `received` is considered abandoned by its request. */
export const STALL_SECONDS = 60;
const staleBefore = (now: Date) => new Date(now.getTime() - STALL_SECONDS * 1000).toISOString();

/**
 * Replay of a rejected (or abandoned) delivery after its cause was fixed, by an admin or by the body
 * that sent it (`actor`, recorded on the inbox row). The signature was verified when it arrived; the
 * registry's state of today (assignment, registered structure, habilitation status) applies again,
 * judged on the day the delivery was received: the body acted then, and what it applies is attributed
 * to it. A rejected delivery kept as an excerpt only (`payloadTruncated`) cannot be replayed: null.
 */
export async function replayDelivery(
  deps: Deps,
  id: string,
  opts: Omit<DeliveryOptions, "limits"> & { actor: string },
): Promise<InboxRow | null> {
  const row = await claim(deps.db, id, {
    rejected: true,
    stalledBefore: staleBefore(opts.now ?? new Date()),
    replayedBy: opts.actor,
  });
  if (!row) return null;
  await applyStored(deps, row, opts);
  return row;
}

/**
 * The replay an admin or a body asks for (API and back-office alike): 404 for an unknown delivery, 409
 * for one kept as an excerpt or not rejected; otherwise the delivery as it now stands.
 */
export async function replayRejected(deps: Deps, id: string, opts: { graceDays: number; actor: string }) {
  const current = await getInboxRow(deps.db, id);
  if (current.payloadTruncated) {
    throw conflict(
      `Webhook event ${id} was rejected and only the first ${INBOX_EXCERPT_BYTES} bytes of its body were kept: ` +
        "it cannot be replayed. Ask the certification body to send it again under a new webhook-id.",
    );
  }
  if (!(await replayDelivery(deps, id, opts))) {
    throw conflict(`Webhook event ${id} is ${current.status}: only rejected deliveries are replayed`);
  }
  return getInboxRow(deps.db, id);
}

const typeOf = (body: string) => {
  try {
    const t = (JSON.parse(body) as { type?: unknown })?.type;
    return typeof t === "string" && t.length <= 100 ? t : "unknown";
  } catch {
    return "unknown";
  }
};

const asAnswer = (a: StoredAnswer): Answer => ({
  status: a.status as ContentfulStatusCode,
  body: a.body,
  headers: { "Content-Type": a.status >= 400 ? "application/problem+json" : "application/json" },
});

type Stored = Pick<InboxRow, "id" | "certifierId" | "payload" | "receivedAt"> & { claimToken: string };

/** What a copy that lost its claim (another copy took it over) answers; nothing of it landed. */
const TAKEN_OVER = "Another copy of this delivery took it over while this one was being applied; retry later";

/** Applies a stored delivery and stores its answer; unexpected failures leave it retryable. */
async function applyStored(deps: Deps, row: Stored, opts: Pick<DeliveryOptions, "graceDays">): Promise<Answer> {
  const { db } = deps;
  try {
    return asAnswer(await apply(deps, row, opts.graceDays));
  } catch (err) {
    if (lostClaim(err)) throw new ApiError("conflict", TAKEN_OVER, { headers: { "Retry-After": "5" } });
    if (!asApiError(err)) await markFailed(db, claimOf(row), `internal: ${err}`).catch(() => {});
    throw err;
  }
}

const claimOf = (row: Stored) => ({ id: row.id, token: row.claimToken });

async function apply(deps: Deps, row: Stored, graceDays: number): Promise<StoredAnswer> {
  const { db } = deps;
  const reject = async (err: ApiError) => {
    // A refusal that says « retry later » (a race lost to a concurrent write) is not this delivery's
    // answer: it is not stored, the claim is let go, and the next copy applies it again.
    if (err.headers?.["Retry-After"]) {
      await markFailed(db, claimOf(row), `${err.code}: ${err.message}`);
      throw err;
    }
    // `type` links to the problem pages under PUBLIC_BASE_URL; a stored problem also keeps the
    // `requestId` of the request that applied the delivery.
    const problem = toProblem(err, { base: deps.env.PUBLIC_BASE_URL, instance: instanceOf(row.certifierId) });
    const answer = { status: err.status, body: JSON.stringify(problem) };
    const paths = err.errors?.map((e) => `${e.path}: ${e.message}`).join("; ");
    if (
      !(await markRejected(db, claimOf(row), row.payload, answer, paths ? `${err.message} (${paths})` : err.message))
    ) {
      // Another copy took the delivery over meanwhile (its answer, not this refusal, is the delivery's).
      throw new ApiError("conflict", TAKEN_OVER, { headers: { "Retry-After": "5" } });
    }
    return answer;
  };

  let json: unknown;
  try {
    json = JSON.parse(row.payload);
  } catch {
    return reject(
      new ApiError("validation", "The body is not JSON", { errors: [{ path: "body", message: "Invalid JSON" }] }),
    );
  }
  const parsed = WebhookEvent.safeParse(json);
  if (!parsed.success) {
    return reject(
      new ApiError("validation", "The event does not match its schema", { errors: fieldErrors(parsed.error.issues) }),
    );
  }
  const event = parsed.data;
  // The day the body sent it: nothing in it may be dated later, and its habilitation is judged on it.
  const receivedOn = parisDay(new Date(row.receivedAt));
  const timing = eventDates(event);
  const future = futureDates(timing.dates, receivedOn);
  if (future.length)
    return reject(new ApiError("validation", "The event is dated after the day it was sent", { errors: future }));

  try {
    const [certifier] = await db.select().from(certifiers).where(eq(certifiers.id, row.certifierId));
    if (!certifier) throw new Error(`certifier ${row.certifierId} vanished`); // never deleted
    const refusal = habilitationRefusal(
      { status: certifier.habilitationStatus, from: certifier.habilitationFrom, until: certifier.habilitationUntil },
      { kind: timing.kind, on: timing.on, receivedOn },
      graceDays,
    );
    if (refusal) throw forbidden(refusal);
    const subject = await subjectOf(db, event);
    const unassigned = assignmentRefusal(certifier.id, subject.certifierId);
    if (unassigned) throw forbidden(unassigned);

    const ctx: HandlerContext<typeof event.type> = {
      db,
      deps,
      certifierId: row.certifierId,
      data: event.data,
      actor: `certifier:${row.certifierId}`,
      eventId: row.id,
      markApplied: (o, computed) =>
        markAnswered(
          db,
          claimOf(row),
          o.status,
          { status: 200, body: JSON.stringify({ eventId: row.id, status: o.status, result: o.result }) },
          computed,
        ),
    };
    await (handlers[event.type] as (c: typeof ctx) => Promise<unknown>)(ctx);
    // The answer is the one stored (some fields are computed in the handler's batch): the first
    // delivery and every later copy get exactly the same bytes.
    const stored = await findInboxRow(db, row.id);
    const answer = stored && answerOf(stored);
    if (!answer) throw new Error(`delivery ${row.id} applied without a stored answer`);
    return answer;
  } catch (err) {
    const known = !lostClaim(err) && asApiError(err);
    if (known) return reject(known);
    throw err;
  }
}

/** The structure an event is about, and the body currently assigned to it. */
async function subjectOf(db: Db, event: WebhookEvent): Promise<{ certifierId: string | null }> {
  if ("labelNumber" in event.data) {
    const n = event.data.labelNumber;
    const [label] = await db
      .select({ certifierId: structures.certifierId })
      .from(labels)
      .innerJoin(structures, eq(structures.code, labels.structureCode))
      .where(eq(labels.number, n));
    if (!label) throw invalid("data.labelNumber", "Unknown label", `Label ${n} is not in the registry`);
    return label;
  }
  const code = event.data.structureCode;
  const [s] = await db
    .select({ certifierId: structures.certifierId })
    .from(structures)
    .where(eq(structures.code, code));
  if (!s) {
    throw invalid(
      "data.structureCode",
      "Unknown structure: register it, then replay the event",
      `Structure ${code} is not registered`,
    );
  }
  return s;
}
