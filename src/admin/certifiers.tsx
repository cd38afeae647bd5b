/**
 * Certification bodies and API keys, for the administration. Writes go through the API's functions:
 * `createCertifier`, `updateCertifier`, `rotateWebhookSecret`, `createApiKey`, `revokeApiKey`.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { ApiKeyCreate, CertifierCreate, CertifierPatch } from "../contract/schemas";
import { keysOf, secretsOf } from "../db/backoffice";
import { listUsers } from "../db/backoffice-users";
import {
  createApiKey,
  createCertifier,
  getCertifier,
  listApiKeys,
  listCertifiers,
  revokeApiKey,
  rotateWebhookSecret,
} from "../db/certifiers";
import { getDb } from "../db/client";
import { listStructures } from "../db/structures";
import { config } from "../env";
import { afterKey, nextCursor } from "../lib/cursor";
import { log } from "../lib/log";
import {
  ApiKeysPage,
  CertifierCreatedPage,
  CertifierFormPage,
  CertifierListPage,
  CertifierPage,
  KeyCreatedPage,
  SecretRotatedPage,
} from "../pages/admin/certifiers";
import { updateCertifier } from "../services/certifiers";
import {
  type AdminContext,
  depsOf,
  type Form,
  forgiving,
  opt,
  page,
  parse,
  readForm,
  refusalOf,
  seeOther,
} from "./forms";
import { type AdminEnv, requireAdmin } from "./session";

const Cursor = z.object({ cursor: z.string().max(512).optional() });

/** The form's fields as the API's body; `status` only when editing. */
function bodyInput(f: Form) {
  const habilitation = Object.fromEntries(
    (["from", "until", "status"] as const).map((k) => [k, opt(f, k)]).filter(([, v]) => v !== undefined),
  );
  const fields = Object.fromEntries(
    (["name", "siret", "contactEmail"] as const)
      .map((k) => [k, k === "siret" ? forgiving.digits(opt(f, k)) : opt(f, k)])
      .filter(([, v]) => v !== undefined),
  );
  return { ...fields, habilitation };
}

const bodyValues = (b: Awaited<ReturnType<typeof getCertifier>>): Form => ({
  name: b.name,
  siret: b.siret ?? "",
  contactEmail: b.contactEmail,
  from: b.habilitation.from,
  until: b.habilitation.until,
  status: b.habilitation.status,
});

async function bodyPage(c: AdminContext, id: string, values?: Form, refusal?: ReturnType<typeof refusalOf>) {
  const db = getDb(c.env.DB);
  const body = await getCertifier(db, id);
  const [structures, secrets, keys, users] = await Promise.all([
    listStructures(db, { certifierId: id, limit: 50 }),
    secretsOf(db, id),
    keysOf(db, id),
    listUsers(db),
  ]);
  return page(
    c,
    <CertifierPage
      person={c.var.person}
      body={body}
      structures={structures.items}
      secrets={secrets}
      keys={keys}
      members={users.filter((u) => u.certifierId === id)}
      values={values ?? bodyValues(body)}
      refusal={refusal}
      now={new Date().toISOString()}
    />,
    refusal ? 422 : 200,
  );
}

export function certifierPages(app: Hono<AdminEnv>) {
  app.use("/certifiers/*", requireAdmin);
  app.use("/certifiers", requireAdmin);
  app.use("/api-keys/*", requireAdmin);
  app.use("/api-keys", requireAdmin);

  app.get("/certifiers", async (c) => {
    const { cursor } = parse(Cursor, c.req.query());
    const { items, next } = await listCertifiers(getDb(c.env.DB), 100, afterKey(cursor));
    return page(c, <CertifierListPage person={c.var.person} items={items} next={nextCursor(next)} />);
  });

  app.get("/certifiers/new", (c) => page(c, <CertifierFormPage person={c.var.person} values={{}} />));

  app.post("/certifiers", async (c) => {
    const f = await readForm(c);
    try {
      const created = await createCertifier(getDb(c.env.DB), parse(CertifierCreate, bodyInput(f)));
      log.info("backoffice certifier created", { id: created.id, actor: c.var.person.actor });
      const { apiKey, webhookSecret, ...body } = created;
      return page(
        c,
        <CertifierCreatedPage person={c.var.person} body={body} apiKey={apiKey} webhookSecret={webhookSecret} />,
        201,
      );
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      return page(c, <CertifierFormPage person={c.var.person} values={f} refusal={refusal} />, 422);
    }
  });

  app.get("/certifiers/:id", (c) => bodyPage(c, c.req.param("id")));

  app.post("/certifiers/:id", async (c) => {
    const id = c.req.param("id");
    const f = await readForm(c);
    try {
      await updateCertifier(depsOf(c), id, parse(CertifierPatch, bodyInput(f)));
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      return bodyPage(c, id, f, refusal);
    }
    return seeOther(c, `/admin/certifiers/${id}`);
  });

  app.post("/certifiers/:id/webhook-secrets", async (c) => {
    const id = c.req.param("id");
    const db = getDb(c.env.DB);
    const revokePrevious = (await readForm(c)).revokePrevious === "on";
    const body = await getCertifier(db, id);
    const rotated = await rotateWebhookSecret(db, id, {
      graceHours: config(c.env).WEBHOOK_SECRET_GRACE_HOURS,
      revokePrevious,
    });
    log.info("backoffice webhook secret rotated", { id, revokePrevious, actor: c.var.person.actor });
    return page(
      c,
      <SecretRotatedPage
        person={c.var.person}
        body={body}
        secret={rotated.webhookSecret}
        previousValidUntil={rotated.previousValidUntil}
        revoked={revokePrevious}
      />,
      201,
    );
  });

  app.get("/api-keys", async (c) => {
    const { cursor } = parse(Cursor, c.req.query());
    const db = getDb(c.env.DB);
    const [{ items, next }, bodies] = await Promise.all([
      listApiKeys(db, 100, afterKey(cursor)),
      listCertifiers(db, 200),
    ]);
    const names = Object.fromEntries(bodies.items.map((b) => [b.id, b.name]));
    return page(c, <ApiKeysPage person={c.var.person} keys={items} bodies={names} next={nextCursor(next)} />);
  });

  app.post("/api-keys", async (c) => {
    const f = await readForm(c);
    const certifierId = opt(f, "certifierId");
    const input = parse(ApiKeyCreate, { role: certifierId ? "certifier" : "admin", certifierId, name: opt(f, "name") });
    const db = getDb(c.env.DB);
    const key = await createApiKey(db, input);
    log.info("backoffice api key created", { id: key.id, role: key.role, actor: c.var.person.actor });
    const bodyName = key.certifierId ? (await getCertifier(db, key.certifierId)).name : null;
    return page(c, <KeyCreatedPage person={c.var.person} created={key} bodyName={bodyName} />, 201);
  });

  app.post("/api-keys/:id/revoke", async (c) => {
    const key = await revokeApiKey(getDb(c.env.DB), c.req.param("id"));
    log.info("backoffice api key revoked", { id: key.id, actor: c.var.person.actor });
    return seeOther(c, key.certifierId ? `/admin/certifiers/${key.certifierId}#cles` : "/admin/api-keys");
  });
}
