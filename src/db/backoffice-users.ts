/**
 * The people who may open the back-office: an Access e-mail → admin, or member of one body. Rows are
 * disabled, never deleted: what a person did keeps their name.
 */
import { and, asc, count, eq, isNull, ne, sql } from "drizzle-orm";
import { foldEmail } from "../domain/email-address";
import { conflict, invalid, notFound } from "../domain/errors";
import type { Db } from "./client";
import { backofficeUsers, certifiers } from "./schema";

export type BackofficeUserInput = { email: string; role: "admin" | "certifier"; certifierId?: string };

/** An enabled person by e-mail, with their body's name (one read per back-office request). */
export async function findActiveUser(db: Db, email: string) {
  const [row] = await db
    .select({ role: backofficeUsers.role, certifierId: backofficeUsers.certifierId, bodyName: certifiers.name })
    .from(backofficeUsers)
    .leftJoin(certifiers, eq(certifiers.id, backofficeUsers.certifierId))
    .where(and(eq(backofficeUsers.email, foldEmail(email)), isNull(backofficeUsers.disabledAt)));
  return row ?? null;
}

/** Everyone, enabled first, with their body's name. */
export async function listUsers(db: Db) {
  return db
    .select({
      email: backofficeUsers.email,
      role: backofficeUsers.role,
      certifierId: backofficeUsers.certifierId,
      bodyName: certifiers.name,
      createdAt: backofficeUsers.createdAt,
      createdBy: backofficeUsers.createdBy,
      updatedAt: backofficeUsers.updatedAt,
      updatedBy: backofficeUsers.updatedBy,
      disabledAt: backofficeUsers.disabledAt,
    })
    .from(backofficeUsers)
    .leftJoin(certifiers, eq(certifiers.id, backofficeUsers.certifierId))
    .orderBy(sql`${backofficeUsers.disabledAt} IS NOT NULL`, asc(backofficeUsers.role), asc(backofficeUsers.email));
}

/**
 * Gives `email` its access (again): added, or its role changed, or re-enabled. A member needs a
 * registered body; an admin belongs to none.
 */
export async function saveUser(db: Db, input: BackofficeUserInput, actor: string) {
  const email = foldEmail(input.email);
  if (input.role === "certifier") {
    if (!input.certifierId) throw invalid("certifierId", "Required for a member of a certification body");
    const [body] = await db.select({ id: certifiers.id }).from(certifiers).where(eq(certifiers.id, input.certifierId));
    if (!body) throw invalid("certifierId", `Certification body ${input.certifierId} does not exist`);
  }
  const certifierId = input.role === "certifier" ? input.certifierId! : null;
  if (input.role !== "admin") await keepAnAdmin(db, email);
  const now = new Date().toISOString();
  await db
    .insert(backofficeUsers)
    .values({
      email,
      role: input.role,
      certifierId,
      createdBy: actor,
      updatedBy: actor,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: backofficeUsers.email,
      set: { role: input.role, certifierId, updatedBy: actor, updatedAt: now, disabledAt: null },
    });
  const [row] = await db.select().from(backofficeUsers).where(eq(backofficeUsers.email, email));
  return row!;
}

/**
 * Ends `email`'s access. The last enabled admin stays (409): nobody could administer access any more.
 * The rule is in the statement itself, so two admins disabling each other at once cannot both succeed.
 */
export async function disableUser(db: Db, email: string, actor: string) {
  const [row] = await db
    .select()
    .from(backofficeUsers)
    .where(eq(backofficeUsers.email, foldEmail(email)));
  if (!row) throw notFound(`Back-office user ${email}`);
  if (row.disabledAt) return row;
  const now = new Date().toISOString();
  const others = db
    .select({ n: count() })
    .from(backofficeUsers)
    .where(
      and(eq(backofficeUsers.role, "admin"), isNull(backofficeUsers.disabledAt), ne(backofficeUsers.email, row.email)),
    );
  const [done] = await db
    .update(backofficeUsers)
    .set({ disabledAt: now, updatedAt: now, updatedBy: actor })
    .where(and(eq(backofficeUsers.email, row.email), sql`(${backofficeUsers.role} <> 'admin' OR (${others}) > 0)`))
    .returning();
  if (!done) throw lastAdmin(row.email);
  return done;
}

const lastAdmin = (email: string) =>
  conflict(`${email} is the last administrator of the back-office: add another one first`);

/** Refuses to make `email` stop being an admin when it is the last enabled one. */
async function keepAnAdmin(db: Db, email: string) {
  const rows = await db
    .select({ email: backofficeUsers.email })
    .from(backofficeUsers)
    .where(and(eq(backofficeUsers.role, "admin"), isNull(backofficeUsers.disabledAt)));
  if (rows.length === 1 && rows[0]!.email === email) throw lastAdmin(email);
}
