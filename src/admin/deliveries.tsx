/**
 * The webhook inbox (admins: every body's; members: their body's) with the replay, and the e-mail
 * outbox (admins) with the retry — the API's `replayRejected` and `retryEmail`.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { listCertifiers } from "../db/certifiers";
import { getDb } from "../db/client";
import { getInboxRow, type InboxRow, listInbox } from "../db/inbox";
import { findOutboxEmail, listOutbox, retryEmail } from "../db/outbox";
import { OUTBOX_STATUSES, WEBHOOK_EVENT_STATUSES } from "../db/schema";
import { forbidden, notFound } from "../domain/errors";
import { config } from "../env";
import { afterPair, nextCursor } from "../lib/cursor";
import { log } from "../lib/log";
import { DeliveryPage, EmailPage, InboxPage, OutboxPage } from "../pages/admin/deliveries";
import { replayRejected } from "../webhooks/process";
import { type AdminContext, depsOf, page, parse, seeOther } from "./forms";
import { type AdminEnv, requireAdmin } from "./session";

/** A filter left on « Tous » is no filter. */
const any = <T extends z.ZodType>(t: T) => t.or(z.literal("")).optional();

const InboxQuery = z.object({
  status: any(z.enum(WEBHOOK_EVENT_STATUSES)),
  type: any(z.string().trim().max(100)),
  certifierId: any(z.string().max(64)),
  cursor: z.string().max(512).optional(),
});

const OutboxQuery = z.object({
  status: any(z.enum(OUTBOX_STATUSES)),
  kind: any(z.string().trim().max(40)),
  cursor: z.string().max(512).optional(),
});

/** A delivery the signed-in person may see: any for the administration, its own for a body. */
async function readableDelivery(c: AdminContext) {
  const row = await getInboxRow(getDb(c.env.DB), c.req.param("id")!);
  const person = c.var.person;
  if (person.role === "certifier" && row.certifierId !== person.certifierId) {
    throw forbidden(`Webhook event ${row.id} was sent by another certification body`);
  }
  return row;
}

/** What `replayRejected` takes: a rejected delivery with its whole body, or one whose applying failed. */
const replayable = (row: InboxRow) =>
  (row.status === "rejected" && !row.payloadTruncated) || (row.status === "received" && row.error !== null);

const bodyNames = async (c: AdminContext) =>
  Object.fromEntries((await listCertifiers(getDb(c.env.DB), 200)).items.map((b) => [b.id, b.name]));

export function deliveryPages(app: Hono<AdminEnv>) {
  app.get("/webhook-events", async (c) => {
    const q = parse(InboxQuery, c.req.query());
    const person = c.var.person;
    const filter = {
      status: q.status || undefined,
      type: q.type || undefined,
      // A body's members see their body's deliveries, whatever the query says.
      certifierId: person.certifierId ?? (q.certifierId || undefined),
    };
    const { items, next } = await listInbox(getDb(c.env.DB), {
      ...filter,
      limit: 50,
      after: afterPair(q.cursor),
    });
    const bodies = person.role === "admin" ? await bodyNames(c) : { [person.certifierId]: person.bodyName };
    return page(
      c,
      <InboxPage
        person={person}
        q={{
          status: filter.status,
          type: filter.type,
          certifierId: person.role === "admin" ? filter.certifierId : undefined,
        }}
        items={items}
        bodies={bodies}
        next={nextCursor(next)}
      />,
    );
  });

  app.get("/webhook-events/:id", async (c) => {
    const row = await readableDelivery(c);
    const person = c.var.person;
    const bodyName =
      person.role === "certifier" ? person.bodyName : ((await bodyNames(c))[row.certifierId] ?? row.certifierId);
    return page(c, <DeliveryPage person={person} e={row} bodyName={bodyName} replayable={replayable(row)} />);
  });

  app.post("/webhook-events/:id/replay", async (c) => {
    const row = await readableDelivery(c);
    const opts = { graceDays: config(c.env).HABILITATION_GRACE_DAYS, actor: c.var.person.actor };
    const after = await replayRejected(depsOf(c), row.id, opts);
    log.info("backoffice replay", { id: row.id, status: after.status, actor: opts.actor });
    return seeOther(c, `/admin/webhook-events/${row.id}`);
  });

  app.get("/outbox", requireAdmin, async (c) => {
    const q = parse(OutboxQuery, c.req.query());
    const filter = { status: q.status || undefined, kind: q.kind || undefined };
    const { items, next } = await listOutbox(getDb(c.env.DB), {
      ...filter,
      limit: 50,
      after: afterPair(q.cursor),
    });
    return page(c, <OutboxPage person={c.var.person} q={filter} items={items} next={nextCursor(next)} />);
  });

  app.get("/outbox/:id", requireAdmin, async (c) => {
    const e = await findOutboxEmail(getDb(c.env.DB), c.req.param("id"));
    if (!e) throw notFound(`E-mail ${c.req.param("id")}`);
    return page(c, <EmailPage person={c.var.person} e={e} />);
  });

  app.post("/outbox/:id/retry", requireAdmin, async (c) => {
    const e = await retryEmail(getDb(c.env.DB), c.req.param("id"));
    log.info("outbox retry", { id: e.id, actor: c.var.person.actor });
    return seeOther(c, `/admin/outbox/${e.id}`);
  });
}
