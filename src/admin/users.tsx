/** The table of who may open the back-office (administration only). */
import type { Hono } from "hono";
import { z } from "zod";
import { Email } from "../contract/schemas";
import { disableUser, listUsers, saveUser } from "../db/backoffice-users";
import { listCertifiers } from "../db/certifiers";
import { getDb } from "../db/client";
import { log } from "../lib/log";
import { UsersPage } from "../pages/admin/users";
import { type AdminContext, opt, page, parse, type Refusal, readForm, refusalOf, seeOther } from "./forms";
import { type AdminEnv, requireAdmin } from "./session";

const UserInput = z
  .object({ email: Email, role: z.enum(["admin", "certifier"]), certifierId: z.string().min(1).max(64).optional() })
  .strict();

async function usersPage(c: AdminContext, values?: Record<string, string>, refusal?: Refusal | null) {
  const db = getDb(c.env.DB);
  const [users, bodies] = await Promise.all([listUsers(db), listCertifiers(db, 200)]);
  const names = Object.fromEntries(bodies.items.map((b) => [b.id, b.name]));
  return page(
    c,
    <UsersPage person={c.var.person} users={users} bodies={names} values={values} refusal={refusal} />,
    refusal ? 422 : 200,
  );
}

export function userPages(app: Hono<AdminEnv>) {
  app.use("/users", requireAdmin);
  app.use("/users/*", requireAdmin);

  app.get("/users", (c) => usersPage(c));

  app.post("/users", async (c) => {
    const f = await readForm(c);
    const certifierId = opt(f, "certifierId");
    try {
      const input = parse(UserInput, {
        email: opt(f, "email"),
        role: certifierId ? "certifier" : "admin",
        certifierId,
      });
      const user = await saveUser(getDb(c.env.DB), input, c.var.person.actor);
      log.info("backoffice access granted", {
        role: user.role,
        certifierId: user.certifierId,
        actor: c.var.person.actor,
      });
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      return usersPage(c, f, refusal);
    }
    return seeOther(c, "/admin/users");
  });

  app.post("/users/:email/disable", async (c) => {
    await disableUser(getDb(c.env.DB), c.req.param("email"), c.var.person.actor);
    log.info("backoffice access ended", { actor: c.var.person.actor });
    return seeOther(c, "/admin/users");
  });
}
