/**
 * Subscriptions to label events (administration only), through the functions the API calls
 * (src/notifications/subscriptions.ts, as src/routes/subscriptions.ts does): list, create (the secret
 * shown once), disable and enable, a new secret, the delivery log, re-delivery.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { getDb } from "../db/client";
import { DELIVERY_STATUSES } from "../db/schema";
import { afterKey, afterPair, nextCursor } from "../lib/cursor";
import { log } from "../lib/log";
import {
  createSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  redeliver,
  rotateSubscriptionSecret,
  updateSubscription,
} from "../notifications/subscriptions";
import {
  SubscriptionFormPage,
  SubscriptionListPage,
  SubscriptionPage,
  SubscriptionSecretPage,
} from "../pages/admin/subscriptions";
import { SubscriptionCreate } from "../routes/subscriptions";
import { depsOf, forgiving, opt, page, parse, readForm, refusalOf, seeOther } from "./forms";
import { type AdminEnv, requireAdmin } from "./session";

const PAGE = 50;

/** The form's « what is watched » as the API's `watch`. */
function watchOf(kind: string | undefined, value: string | undefined): unknown {
  switch (kind) {
    case "structureCode":
      return { structureCode: value };
    case "network":
      return { network: value };
    case "department":
      return { department: forgiving.department(value) };
    default:
      return { all: true };
  }
}

export function subscriptionPages(app: Hono<AdminEnv>) {
  app.use("/subscriptions", requireAdmin);
  app.use("/subscriptions/*", requireAdmin);

  app.get("/subscriptions", async (c) => {
    const { cursor } = parse(z.object({ cursor: z.string().max(512).optional() }), c.req.query());
    const { items, next } = await listSubscriptions(getDb(c.env.DB), PAGE, afterKey(cursor));
    return page(c, <SubscriptionListPage person={c.var.person} items={items} next={nextCursor(next)} />);
  });

  app.get("/subscriptions/new", (c) => page(c, <SubscriptionFormPage person={c.var.person} values={{}} />));

  app.post("/subscriptions", async (c) => {
    const f = await readForm(c);
    try {
      const input = parse(SubscriptionCreate, {
        name: opt(f, "name"),
        contactEmail: opt(f, "contactEmail"),
        url: opt(f, "url"),
        watch: watchOf(opt(f, "watchKind"), opt(f, "watchValue")),
      });
      const { secret, ...s } = await createSubscription(depsOf(c), input);
      log.info("subscription created", { subscriptionId: s.id, actor: c.var.person.actor });
      return page(c, <SubscriptionSecretPage person={c.var.person} s={s} secret={secret} created />, 201);
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      return page(c, <SubscriptionFormPage person={c.var.person} values={f} refusal={refusal} />, 422);
    }
  });

  app.get("/subscriptions/:id", async (c) => {
    const q = parse(
      z.object({
        status: z.enum(DELIVERY_STATUSES).or(z.literal("")).optional(),
        cursor: z.string().max(512).optional(),
      }),
      c.req.query(),
    );
    const db = getDb(c.env.DB);
    const s = await getSubscription(db, c.req.param("id"));
    const { items, next } = await listDeliveries(db, s.id, {
      status: q.status || undefined,
      limit: PAGE,
      after: afterPair(q.cursor),
    });
    return page(
      c,
      <SubscriptionPage person={c.var.person} s={s} status={q.status} deliveries={items} next={nextCursor(next)} />,
    );
  });

  app.post("/subscriptions/:id/status", async (c) => {
    const f = await readForm(c);
    const { status } = parse(z.object({ status: z.enum(["active", "disabled"]) }), { status: opt(f, "status") });
    const s = await updateSubscription(depsOf(c), c.req.param("id"), { status });
    log.info("subscription status changed", { subscriptionId: s.id, status, actor: c.var.person.actor });
    return seeOther(c, `/admin/subscriptions/${s.id}`);
  });

  app.post("/subscriptions/:id/secrets", async (c) => {
    const f = await readForm(c);
    const id = c.req.param("id");
    const { secret } = await rotateSubscriptionSecret(depsOf(c), id, f.revokePrevious === "on");
    log.info("subscription secret issued", { subscriptionId: id, actor: c.var.person.actor });
    const s = await getSubscription(getDb(c.env.DB), id);
    return page(c, <SubscriptionSecretPage person={c.var.person} s={s} secret={secret} created={false} />, 201);
  });

  app.post("/subscriptions/:id/deliveries/:deliveryId/redeliver", async (c) => {
    const id = c.req.param("id");
    await redeliver(depsOf(c), id, c.req.param("deliveryId"));
    log.info("notification re-delivered", { subscriptionId: id, actor: c.var.person.actor });
    return seeOther(c, `/admin/subscriptions/${id}#remises`);
  });
}
