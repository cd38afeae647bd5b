/** Référentiel versions for the administration: read them, activate one (the API's `activateReferential`). */
import type { Hono } from "hono";
import { z } from "zod";
import { getDb } from "../db/client";
import { activateReferential, getReferential, listReferentials } from "../db/referentials";
import { afterKey, nextCursor } from "../lib/cursor";
import { log } from "../lib/log";
import { ReferentialListPage, ReferentialPage } from "../pages/admin/referentials";
import { page, parse, seeOther } from "./forms";
import { type AdminEnv, requireAdmin } from "./session";

export function referentialPages(app: Hono<AdminEnv>) {
  app.use("/referentials", requireAdmin);
  app.use("/referentials/*", requireAdmin);

  app.get("/referentials", async (c) => {
    const { cursor } = parse(z.object({ cursor: z.string().max(512).optional() }), c.req.query());
    const { items, next } = await listReferentials(getDb(c.env.DB), 50, afterKey(cursor));
    return page(c, <ReferentialListPage person={c.var.person} items={items} next={nextCursor(next)} />);
  });

  app.get("/referentials/:version", async (c) =>
    page(
      c,
      <ReferentialPage person={c.var.person} r={await getReferential(getDb(c.env.DB), c.req.param("version"))} />,
    ),
  );

  app.post("/referentials/:version/activate", async (c) => {
    const r = await activateReferential(getDb(c.env.DB), c.req.param("version"));
    log.info("backoffice referential activated", { version: r.version, actor: c.var.person.actor });
    return seeOther(c, `/admin/referentials/${encodeURIComponent(r.version)}`);
  });
}
