import { env } from "cloudflare:workers";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, retryDelayMs } from "../src/domain/retry";
import { BREVO_URL } from "../src/email/brevo";
import { makeLabel } from "./factories";
import { call, daily, fetchWorker, outboxOf, runDelivery } from "./helpers";
import { mockNetwork } from "./network";

const BREVO = { EMAIL_TRANSPORT: "brevo", BREVO_API_KEY: "xkeysib-test" };
const server = mockNetwork();

/** Brevo answering `statuses` in turn (the last one repeats), recording each request. */
function brevo(...statuses: number[]) {
  const seen: { to: string[]; subject: string; key: string | null }[] = [];
  server.use(
    http.post(BREVO_URL, async ({ request }) => {
      const body = (await request.json()) as { to: { email: string }[]; subject: string };
      seen.push({ to: body.to.map((t) => t.email), subject: body.subject, key: request.headers.get("api-key") });
      const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
      return status < 300
        ? HttpResponse.json({ messageId: `<msg-${seen.length}@smtp-relay.brevo.com>` }, { status })
        : HttpResponse.json({ code: "error", message: "provider says no" }, { status });
    }),
  );
  return seen;
}

/** The 7-day reminder (earlier offsets were skipped: the labels are created 7 days before their end). */
const reminder7 = async (n: string) => (await outboxOf(n)).filter((r) => r.kind === "reminder-7");
const at = (iso: string, plusMs: number) => new Date(Date.parse(iso) + plusMs).toISOString();

describe("delivery job", () => {
  it("provider failing (500) then OK: delivered later, once", async () => {
    const l = await makeLabel({ expiresOn: "2030-03-31" });
    await daily("2030-03-24");
    const seen = brevo(500, 201);
    const t0 = "2030-03-24T03:10:00Z";
    await runDelivery(t0, BREVO);
    let [row] = await reminder7(l.number);
    expect(row).toMatchObject({ status: "pending", attempts: 1, transport: "brevo" });
    expect(row!.lastError).toContain("500");
    expect(row!.nextAttemptAt).toBe(at(t0, retryDelayMs(1)));
    // Not due yet: nothing is tried.
    await runDelivery(at(t0, 60_000), BREVO);
    expect(seen).toHaveLength(1);
    await runDelivery(at(t0, retryDelayMs(1)), BREVO);
    [row] = await reminder7(l.number);
    expect(row).toMatchObject({ status: "sent", attempts: 2, providerId: "<msg-2@smtp-relay.brevo.com>" });
    expect(seen[1]!.key).toBe("xkeysib-test");
    expect(seen[1]!.to).toEqual(row!.recipients);
    // Later runs send nothing more.
    await runDelivery(at(t0, 3_600_000), BREVO);
    expect(seen).toHaveLength(2);
  });

  it("permanent 4xx: failed at once, visible in GET /v1/outbox", async () => {
    const l = await makeLabel({ expiresOn: "2030-04-30" });
    await daily("2030-04-23");
    const seen = brevo(400);
    await runDelivery("2030-04-23T03:10:00Z", BREVO);
    const [row] = await reminder7(l.number);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.lastError).toContain("Brevo HTTP 400");
    await runDelivery("2030-04-30T03:10:00Z", BREVO);
    expect(seen.filter((s) => s.subject === row!.subject)).toHaveLength(1);
  });

  it("a provider that keeps failing: failed after the last attempt", async () => {
    const l = await makeLabel({ expiresOn: "2030-05-31" });
    await daily("2030-05-24");
    const seen = brevo(503);
    let t = Date.parse("2030-05-24T03:10:00Z");
    for (let i = 1; i <= MAX_ATTEMPTS + 2; i++) {
      await runDelivery(new Date(t).toISOString(), BREVO);
      t += retryDelayMs(i);
    }
    const [row] = await reminder7(l.number);
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(seen.filter((s) => s.subject === row!.subject)).toHaveLength(MAX_ATTEMPTS);
  });

  it("overlapping delivery runs send each e-mail once", async () => {
    const l = await makeLabel({ expiresOn: "2030-06-30" });
    await daily("2030-06-23");
    const seen = brevo(201);
    await Promise.all([1, 2, 3].map(() => runDelivery("2030-06-23T03:10:00Z", BREVO)));
    const [row] = await reminder7(l.number);
    expect(row!.status).toBe("sent");
    expect(seen.filter((s) => s.subject === row!.subject)).toHaveLength(1);
  });

  it("the local transport sends nothing out and marks the e-mail sent", async () => {
    const l = await makeLabel({ expiresOn: "2030-07-31" });
    await daily("2030-07-24");
    await runDelivery("2030-07-24T03:10:00Z");
    const [row] = await reminder7(l.number);
    expect(row).toMatchObject({ status: "sent", transport: "local", providerId: `local:${row!.id}` });
  });

  it("the cloudflare transport sends through the EMAIL binding", async () => {
    const l = await makeLabel({ expiresOn: "2030-08-31" });
    await daily("2030-08-24");
    await runDelivery("2030-08-24T03:10:00Z", { EMAIL_TRANSPORT: "cloudflare" });
    const [row] = await reminder7(l.number);
    expect(row).toMatchObject({ status: "sent", transport: "cloudflare" });
    expect(row!.providerId).toBeTruthy();
    expect(env.EMAIL).toBeDefined();
  });
});

describe("GET /v1/outbox", () => {
  it("lists failed e-mails for admins, with keyset pages", async () => {
    const failed = await call("GET", "/v1/outbox?status=failed&limit=1");
    expect(failed.status).toBe(200);
    expect(failed.json.items).toHaveLength(1);
    expect(failed.json.items[0]).toMatchObject({ status: "failed", attempts: expect.any(Number) });
    expect(failed.json.items[0].lastError).toMatch(/Brevo HTTP (400|503)/);
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const r: Awaited<ReturnType<typeof call>> = await call(
        "GET",
        `/v1/outbox?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      for (const i of r.json.items) seen.add(i.id);
      cursor = r.json.nextCursor;
    } while (cursor);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM outbox").first<{ n: number }>();
    expect(seen.size).toBe(count!.n);
    const one = await call("GET", `/v1/outbox/${failed.json.items[0].id}`);
    expect(one.json.html).toContain('<html lang="fr">');
  });

  it("is for admins only; a bad cursor is a 400", async () => {
    expect((await call("GET", "/v1/outbox", { token: null })).status).toBe(401);
    expect((await call("GET", "/v1/outbox?cursor=nope")).status).toBe(400);
    expect((await call("GET", "/v1/outbox?status=lost")).status).toBe(422);
  });

  it("the dev page exists only when configured (DEV_OUTBOX=on, local transport), whatever the Host", async () => {
    const page = await call("GET", "/dev/outbox", { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const id = page.text.match(/\/dev\/outbox\/(eml_[a-z0-9]+)/)?.[1];
    expect(id).toBeTruthy();
    // Same request, another configuration: the Host (here a loopback one) decides nothing.
    const at = async (path: string, over: Record<string, string>) => {
      const res = await fetchWorker(`http://localhost:8787${path}`, { env: { ...env, ...over } as Env });
      return res.status;
    };
    for (const path of ["/dev/outbox", `/dev/outbox/${id}`]) {
      expect(await at(path, {}), path).toBe(200);
      expect(await at(path, { DEV_OUTBOX: "off" }), path).toBe(404);
      expect(await at(path, { EMAIL_TRANSPORT: "cloudflare" }), path).toBe(404);
    }
  });
});
