/**
 * src/db/constraints.ts against real D1 failures: each constraint the code relies on is broken for
 * real, with the statement builders production uses, and recognised by its name.
 */
import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { describe, expect, it } from "vitest";
import { getDb } from "../src/db/client";
import { type Constraint, failedConstraint, RELIED_ON, violates } from "../src/db/constraints";
import { markAnswered, storeDelivery } from "../src/db/inbox";
import { guardLabelVersion, guardReferentialRevision, readLabelVersion } from "../src/db/label-version";
import { awardedLabelStatements, guardedStatusChange } from "../src/db/labels";
import { insertAudit, insertSurvey } from "../src/db/results";
import { assignments, counters, structures } from "../src/db/schema";
import { auditRow, type LabelRow, makeCertifier, makeLabel, makeStructure, surveyRow } from "./factories";

const db = () => getDb(env.DB);

/** The error a write fails with (the test fails if it succeeds). */
async function failure(write: () => Promise<unknown>): Promise<unknown> {
  try {
    await write();
  } catch (err) {
    return err;
  }
  throw new Error("the write succeeded");
}

async function subject() {
  const certifier = await makeCertifier();
  const { code } = await makeStructure();
  return { certifierId: certifier.id, structureCode: code };
}

/** The label and event rows of a renewal of `renewed`, as an award writes them, with a number of its own. */
let seq = 0;
function renewal(d: ReturnType<typeof db>, renewed: LabelRow) {
  const { structureCode, certifierId, tier, awardedOn, expiresOn, originalAwardedOn } = renewed;
  const number = `SPP-2026-9${String(++seq).padStart(5, "0")}`;
  return awardedLabelStatements(
    d,
    { number, structureCode, certifierId, tier, awardedOn, expiresOn, originalAwardedOn, supersedes: renewed.number },
    { id: `lev_renewal_${seq}`, reason: "Renouvellement", actor: "admin:test" },
  );
}

/** One real failure per constraint the code relies on; the Record makes a new one need its case. */
const provoke: Record<Constraint, () => Promise<unknown>> = {
  // Two renewals of one label (src/services/record-decision.ts): the batch fails whole.
  labels_supersedes: async () => {
    const first = await makeLabel();
    const d = db();
    return failure(() => d.batch([...renewal(d, first), ...renewal(d, first)] as [BatchItem<"sqlite">]));
  },
  // A guarded status change that changed nothing (src/db/labels.ts guardedStatusChange): NULL event id.
  "label_events.id": async () => {
    const l = await makeLabel();
    const d = db();
    // Read as suspended, but it is valid: someone else changed it meanwhile, so the guarded update changes nothing.
    const [first, ...rest] = guardedStatusChange(d, l.number, "suspended", {
      action: "reinstate",
      reason: "r",
      actor: "admin:test",
      effectiveOn: "2026-02-01",
      nowIso: "2026-02-01T00:00:00.000Z",
    });
    return failure(() => d.batch([first!, ...rest]));
  },
  // A label write decided on a version another write has bumped since (src/db/label-version.ts).
  "structures.label_version": async () => {
    const { structureCode } = await subject();
    const d = db();
    const read = await readLabelVersion(d, structureCode);
    await d.batch([guardLabelVersion(d, structureCode, read)]);
    return failure(() => d.batch([guardLabelVersion(d, structureCode, read)]));
  },
  // An award evaluated under rules edited since (src/db/label-version.ts guardReferentialRevision).
  "referentials.revision": async () => {
    const d = db();
    return failure(() => d.batch([guardReferentialRevision(d, "2023-illustratif", -1)]));
  },
  // The same auditRef twice (src/webhooks/handlers.ts appendOnce, a concurrent copy).
  audits_ref: async () => {
    const s = await subject();
    const d = db();
    const row = auditRow(s.structureCode, s.certifierId, { auditRef: "AUD-1" });
    return failure(() => d.batch([insertAudit(d, row), insertAudit(d, { ...row, id: `${row.id}_copy` })]));
  },
  surveys_ref: async () => {
    const s = await subject();
    const d = db();
    const row = surveyRow(s.structureCode, s.certifierId, "agents", { surveyRef: "SRV-1" });
    return failure(() => d.batch([insertSurvey(d, row), insertSurvey(d, { ...row, id: `${row.id}_copy` })]));
  },
  // A delivery's copy that lost its claim (src/db/inbox.ts markAnswered): the status is set NULL.
  "webhook_events.status": async () => {
    const d = db();
    const { id: certifierId } = await makeCertifier();
    await storeDelivery(d, {
      id: "whe_lost_claim",
      certifierId,
      webhookId: "msg_lost",
      type: "audit.completed",
      payload: "{}",
      payloadSha256: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      payloadSize: 2,
      receivedAt: "2026-02-01T00:00:00.000Z",
      claimToken: "clm_taken_over",
    });
    const answered = markAnswered(d, { id: "whe_lost_claim", token: "clm_mine" }, "applied", {
      status: 200,
      body: "{}",
    });
    return failure(() => d.batch([answered]));
  },
};

describe("failedConstraint / violates", () => {
  it.each(RELIED_ON)("recognises %s by its name, and no other", async (name) => {
    const err = await provoke[name]();
    expect(failedConstraint(err)?.name).toBe(name);
    expect(violates(err, name)).toBe(true);
    for (const other of RELIED_ON.filter((n) => n !== name)) expect(violates(err, other)).toBe(false);
  });

  it("names primary keys `<table>_pkey`, in a single statement (wrapped by drizzle) as in a batch", async () => {
    const { structureCode } = await subject();
    const row = { code: structureCode, name: "n", network: "r", category: "eple" as const, postcode: "13001" };
    const values = { ...row, city: "c", department: "13", contacts: [], searchText: "n" };
    expect(failedConstraint(await failure(() => db().insert(structures).values(values)))).toEqual({
      kind: "unique",
      name: "structures_pkey",
    });
    const d = db();
    expect(failedConstraint(await failure(() => d.batch([d.insert(structures).values(values)])))).toEqual({
      kind: "unique",
      name: "structures_pkey",
    });
  });

  it("reports NOT NULL by column and foreign keys without a name (SQLite gives none)", async () => {
    const notNull = await failure(() => db().run(sql`INSERT INTO ${counters} (name, value) VALUES ('c', NULL)`));
    expect(failedConstraint(notNull)).toEqual({ kind: "not-null", name: "counters.value" });
    const fk = await failure(() =>
      db()
        .insert(assignments)
        .values({ id: "asg_x", structureCode: "NOPE", certifierId: "NOPE", contractRef: "c", actor: "a" }),
    );
    expect(failedConstraint(fk)).toEqual({ kind: "foreign-key", name: null });
  });

  it("is null for other failures, and is not fooled by bound values that imitate a constraint message", async () => {
    const imitation = "UNIQUE constraint failed: labels.supersedes: SQLITE_CONSTRAINT";
    const err = await failure(() => db().run(sql`SELECT * FROM no_such_table WHERE x = ${imitation}`));
    expect(String(err)).toContain(imitation);
    expect(failedConstraint(err)).toBeNull();
    expect(failedConstraint(new Error("network connection lost"))).toBeNull();
    expect(failedConstraint("UNIQUE constraint failed: labels.supersedes")).toBeNull();
  });
});
