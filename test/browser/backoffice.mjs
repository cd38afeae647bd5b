// The back-office walk of the browser test (test/browser/run.mjs runs it against the same `wrangler dev`,
// demo data and Chromium): people doing their work by clicking, without JavaScript, signed in with the
// dev sign-in (BACKOFFICE_DEV_LOGIN=on).
// - An admin registers a structure, assigns a body, sees the evaluation appear after the body's signed
//   deliveries, awards, suspends with a reason after a confirmation — and the public badge and page
//   say « suspendu » at once.
// - A body's member sees only its own structures, finds its rejected delivery with the reason, and
//   replays it once the admin has registered the missing structure.
// - A failed form comes back in French, each value kept; a body's member goes from a proposed tier to
//   the signed label.decision its page spells out, sends it, and finds the label through its tiles.
// - No back-office page shows any of the English the code can emit (test/english-phrases.mjs).
// - axe-core and html-validate on every back-office page; screenshots in test-results/ (`--docs` also
//   refreshes docs/back-office.png).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { DEMO_BODY } from "../../scripts/demo.mjs";
import { collectEnglish, englishIn } from "../english-phrases.mjs";

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A delivery signed as the demo body signs them (Standard Webhooks). */
async function deliver(base, type, data) {
  const id = `msg_browser_${type}_${data.structureCode}_${Date.now()}`;
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const at = new Date();
  const res = await fetch(`${base}/v1/webhooks/certifiers/${DEMO_BODY.id}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(DEMO_BODY.webhookSecret).sign(id, at, body),
    },
    body,
  });
  return res.status;
}

/**
 * @param {object} t what run.mjs shares: `browser` (a persistent context), `launch` (Chromium's path
 *   and arguments, for a second browser), `base`, `adminToken`, `out`, `docs` (refresh docs/), `root`,
 *   and its checks: `check(ok, what)`, `axe(page, what)`, `validateHtml(html, what)`,
 *   `looksRight(page, what)`.
 */
export async function backofficeWalk(t) {
  const { base, check } = t;
  const phrases = collectEnglish(sourcesOf(join(t.root, "src")));
  check(phrases.length > 80, `the English the code can say is collected (${phrases.length} phrases)`);
  const french = (html, what) => {
    const english = englishIn(phrases, html);
    check(english.length === 0, `${what} shows no English ${english.join(" | ")}`);
  };
  const page = await t.browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  // The strict CSP forbids every script and inline style: a page that needed one would log it here.
  const refused = [];
  const watch = (p) =>
    p.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) refused.push(`${p.url()}: ${msg.text()}`);
    });
  watch(page);
  const shot = (name, full = true) => page.screenshot({ path: join(t.out, `backoffice-${name}.png`), fullPage: full });
  /** axe-core, html-validate (on the HTML as sent, with this session's cookie) and the DSFR frame. */
  const audit = async (what) => {
    await t.axe(page, `back-office ${what}`);
    const res = await page.request.get(page.url(), { maxRedirects: 0 });
    const html = await res.text();
    await t.validateHtml(html, `back-office ${what}`);
    french(await page.content(), `back-office ${what}`);
    await t.looksRight(page, `back-office ${what}`);
  };
  const go = async (path, what) => {
    const res = await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
    check(res.status() === 200, `back-office ${what} answers 200 (${res.status()})`);
    await audit(what);
  };
  const submit = async (selector = "main form button[type=submit]") =>
    Promise.all([page.waitForNavigation({ waitUntil: "networkidle" }), page.click(selector)]);
  const text = (selector) => page.locator(selector).first().textContent();

  // 1. Signed out: the back-office sends a browser to its sign-in page.
  await page.goto(`${base}/admin/structures`, { waitUntil: "networkidle" });
  check(
    page.url().startsWith(`${base}/admin/login?next=`),
    `signed out: /admin/structures leads to the sign-in (${page.url()})`,
  );
  await audit("sign-in");
  await page.fill("#f-token", t.adminToken);
  await submit();
  check(page.url() === `${base}/admin/structures`, "signed in as admin, back where asked");
  check((await text("#connecte")).includes("Administration du label"), "the header names the administration");

  // 2. The dashboard, every list and reference page.
  await go("/admin", "dashboard");
  check(Number(await text("#etat-suspended .fr-tile__detail")) >= 1, "dashboard counts the demo's suspended label");
  await shot("dashboard", false);
  for (const [path, what] of [
    ["/admin/structures", "structures"],
    ["/admin/labels?status=valid", "labels"],
    ["/admin/certifiers", "certification bodies"],
    [`/admin/certifiers/${DEMO_BODY.id}`, "a certification body"],
    ["/admin/api-keys", "API keys"],
    ["/admin/webhook-events", "webhook inbox"],
    ["/admin/outbox", "e-mail outbox"],
    ["/admin/referentials", "référentiels"],
    ["/admin/referentials/2023-illustratif", "a référentiel"],
    ["/admin/users", "access"],
    ["/admin/subscriptions", "subscriptions"],
    ["/admin/subscriptions/new", "subscription form"],
  ]) {
    await go(path, what);
  }

  // 3a. A failed form: the reasons in French next to their fields, every value kept.
  await go("/admin/new-structure", "registration form (to be refused)");
  await page.fill("#f-code", "BO-BROWSER-REFUSED");
  await page.fill("#f-name", "Mairie au formulaire refusé (fictive)");
  await page.fill("#f-network", "Communes (démo)");
  await page.selectOption("#f-category", "collectivite_territoriale");
  await page.fill("#f-siret", "123 456");
  await page.fill("#f-postcode", "69001");
  await page.fill("#f-city", "Lyon-Démo");
  await page.fill("#f-department", "99");
  await page.fill("#f-contact1_email", "qualite@refus.example");
  await submit();
  check((await text("#erreur")).includes("Certains champs ne sont pas acceptés"), "a refused form says so in French");
  check(
    (await text("#f-department-erreur"))?.includes("Un code de département : 01 à 95, 2A, 2B ou 971 à 976"),
    "the department's reason, in French, under its field",
  );
  check((await text("#f-siret-erreur"))?.includes("14 chiffres"), "the SIRET's reason, in French, under its field");
  check((await page.inputValue("#f-department")) === "99", "the value typed is kept");
  check((await page.inputValue("#f-name")) === "Mairie au formulaire refusé (fictive)", "every other value is kept");
  await audit("refused registration form");
  await shot("refused-form");

  // 3. Register a structure through the form (« 1 »-style typing forgiven: spaces in the postcode).
  const code = "BO-BROWSER-01";
  await go("/admin/new-structure", "registration form");
  await page.fill("#f-code", code);
  await page.fill("#f-name", "Maison France Services du navigateur (fictive)");
  await page.fill("#f-network", "France Services (démo)");
  await page.selectOption("#f-category", "service_deconcentre_etat");
  await page.fill("#f-postcode", "69 001");
  await page.fill("#f-city", "Lyon-Démo");
  await page.fill("#f-department", "69");
  await page.fill("#f-contact1_email", "qualite@france-services.example");
  await submit();
  check(page.url() === `${base}/admin/structures/${code}`, `registered, on its page (${page.url()})`);
  check((await text("#organisme")).includes("Aucun organisme"), "no body assigned yet");

  // 4. Assign the demo body.
  await page.selectOption("#form-attribution select", DEMO_BODY.id);
  await page.fill("#form-attribution input[name=contractRef]", "MARCHE-NAVIGATEUR-1");
  await submit("#form-attribution button[type=submit]");
  check((await text("#organisme-actuel"))?.includes("Démo"), "assigned to the demo body");
  check((await text("#evaluation")).includes("incomplète"), "evaluation incomplete before any delivery");

  // 5. The body's signed deliveries arrive; the evaluation appears.
  const statuses = [
    await deliver(base, "audit.completed", {
      structureCode: code,
      auditRef: `NAV-AUDIT-${Date.now()}`,
      kind: "initial",
      auditedOn: day(-20),
      engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 84 })),
    }),
    await deliver(base, "survey.users.completed", {
      structureCode: code,
      surveyRef: `NAV-USAGERS-${Date.now()}`,
      periodStart: day(-60),
      periodEnd: day(-20),
      invited: 1000,
      respondents: 320,
      satisfactionRate: 85,
    }),
    await deliver(base, "survey.agents.completed", {
      structureCode: code,
      surveyRef: `NAV-AGENTS-${Date.now()}`,
      periodStart: day(-60),
      periodEnd: day(-20),
      population: 80,
      respondents: 50,
      score: 79,
    }),
  ];
  check(
    statuses.every((s) => s === 200),
    `three signed deliveries applied (${statuses})`,
  );
  await go(`/admin/structures/${code}`, "structure page");
  check((await text("#evaluation")).includes("complète : un palier peut être proposé"), "evaluation complete");
  const proposed = (await text("#palier-propose"))?.trim();
  check(["Bronze", "Argent", "Or"].includes(proposed), `a tier is proposed (${proposed})`);

  // 6. Award (the proposed tier, today).
  await submit("#form-decision button[type=submit]");
  check((await text("#label-actuel")).includes("valide"), `awarded: ${(await text("#label-actuel")).trim()}`);
  const pub = async () => await (await fetch(`${base}/v1/public/labels/${code}`)).json();
  check((await pub()).status === "valid", "public JSON: valid");

  // 7. Suspend: the reason, then the confirmation page, then the change.
  await Promise.all([page.waitForNavigation(), page.click("#action-suspend")]);
  await audit("suspension, step 1");
  await page.fill("#f-reason", "Audit de suivi non réalisé (test navigateur)");
  await submit("#continuer");
  check((await page.locator("#confirmation").count()) === 1, "a confirmation page before anything changes");
  check((await pub()).status === "valid", "nothing changed before the confirmation");
  await audit("suspension, confirmation");
  await shot("confirmation", false);
  await submit("#confirmer");
  check((await text("#label-actuel")).includes("suspendu"), "the structure page says suspended");
  const events = await page.locator(`section[id^="label-"] table`).last().textContent();
  check(
    events.includes("Audit de suivi non réalisé (test navigateur)") && events.includes("admin:token"),
    "the history has the reason and the actor",
  );
  await page.locator("#labels").scrollIntoViewIfNeeded();
  await shot("structure");
  if (t.docs) {
    // The top of a structure's page, its label just suspended.
    await page.goto(`${base}/admin/structures/${code}`, { waitUntil: "networkidle" });
    await page.screenshot({ path: join(t.root, "docs/back-office.png"), scale: "css" });
  }

  // 8. The public side follows at once: JSON, badge, verification page.
  check((await pub()).status === "suspended", "public JSON: suspended at once");
  const badge = await (await fetch(`${base}/badge/${code}.svg`)).text();
  check(badge.includes("suspendu"), "public badge: suspendu at once");
  const verify = await t.browser.newPage();
  await verify.goto(`${base}/verify/${code}`, { waitUntil: "networkidle" });
  check(
    (await verify.locator("#statut").textContent())?.startsWith("Label suspendu"),
    "verification page: « Label suspendu » at once",
  );
  await verify.close();

  // 9. A delivery for a structure not registered yet: rejected, replayable.
  const pending = "BO-BROWSER-02";
  check(
    (await deliver(base, "audit.completed", {
      structureCode: pending,
      auditRef: `NAV-AUDIT-2-${Date.now()}`,
      kind: "initial",
      auditedOn: day(-3),
      engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 70 })),
    })) === 422,
    "a delivery for an unregistered structure is rejected",
  );

  // 10. The body's member, in a browser of its own (its own cookie): its portal.
  const memberBrowser = await chromium.launch(t.launch);
  const m = await memberBrowser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(m);
  const mShot = (name) => m.screenshot({ path: join(t.out, `backoffice-member-${name}.png`), fullPage: true });
  const mAudit = async (what) => {
    await t.axe(m, `portal ${what}`);
    await t.validateHtml(await (await m.request.get(m.url(), { maxRedirects: 0 })).text(), `portal ${what}`);
    french(await m.content(), `portal ${what}`);
  };
  await m.goto(`${base}/admin/login`, { waitUntil: "networkidle" });
  await m.fill("#f-token", DEMO_BODY.apiKey);
  await Promise.all([m.waitForNavigation(), m.click("main form button[type=submit]")]);
  check(
    (await m.locator("#connecte").textContent()).includes("Organisme : Organisme de certification Démo"),
    "the member's header names its body",
  );
  await mAudit("dashboard");
  await m.goto(`${base}/admin/structures`, { waitUntil: "networkidle" });
  const listed = await m.locator("#structures").textContent();
  check(listed.includes(code) && listed.includes("DEMO-PREF-01"), "the member sees its body's structures");
  check(!listed.includes("BR-OR"), "…and not another body's");
  await mAudit("structures");
  const other = await m.goto(`${base}/admin/structures/BR-OR`, { waitUntil: "networkidle" });
  check(other.status() === 403, `another body's structure: 403 (${other.status()})`);
  const adminOnly = await m.goto(`${base}/admin/certifiers`, { waitUntil: "networkidle" });
  check(adminOnly.status() === 403, `an administration page: 403 (${adminOnly.status()})`);
  await m.goto(`${base}/admin/structures/${code}`, { waitUntil: "networkidle" });
  check(
    (await m.locator("#action-suspend, #form-decision, #form-attribution").count()) === 0,
    "no administration action on the member's page",
  );
  await mAudit("structure page");

  await m.goto(`${base}/admin/webhook-events?status=rejected`, { waitUntil: "networkidle" });
  const rejected = m.locator("#livraisons tbody tr", { hasText: "n'est pas enregistrée" }).first();
  check((await rejected.count()) === 1, "the rejected delivery is listed with its reason");
  await mAudit("deliveries");
  await Promise.all([m.waitForNavigation(), rejected.locator("a").click()]);
  const deliveryUrl = m.url();
  check((await m.locator("#raison").textContent()).includes(pending), "its page says why it was rejected");
  await mAudit("a delivery");
  await mShot("delivery");

  // 11. The admin registers and assigns the missing structure; the member replays the delivery.
  await go("/admin/new-structure", "registration form (again)");
  await page.fill("#f-code", pending);
  await page.fill("#f-name", "Agence de démonstration enregistrée plus tard (fictive)");
  await page.fill("#f-network", "Agences (démo)");
  await page.selectOption("#f-category", "etablissement_public_etat");
  await page.fill("#f-postcode", "69002");
  await page.fill("#f-city", "Lyon-Démo");
  await page.fill("#f-department", "69");
  await page.fill("#f-contact1_email", "qualite@agence.example");
  await submit();
  await page.selectOption("#form-attribution select", DEMO_BODY.id);
  await page.fill("#form-attribution input[name=contractRef]", "MARCHE-NAVIGATEUR-2");
  await submit("#form-attribution button[type=submit]");
  check((await text("#organisme-actuel"))?.includes("Démo"), "the missing structure is registered and assigned");

  await m.goto(deliveryUrl, { waitUntil: "networkidle" });
  await Promise.all([m.waitForNavigation(), m.click("#rejouer")]);
  const after = await m.locator("#livraison").textContent();
  check(
    after.includes("appliquée") && after.includes(`certifier:${DEMO_BODY.id}`),
    "replayed by the member: applied, the replay named",
  );
  await mShot("replayed");
  await m.goto(`${base}/admin/structures/${pending}`, { waitUntil: "networkidle" });
  const evaluation = await m.locator("#evaluation").textContent();
  check(
    !evaluation.includes("Audit — absente") && evaluation.includes("Enquête usagers — absente"),
    "the replayed audit counts in the evaluation (the surveys are still awaited)",
  );
  check(
    (await m.locator("#prochaine-etape").textContent()).includes("survey.users.completed"),
    "the next step names the events still missing",
  );

  // 12. The surveys arrive: a tier is proposed, and the page spells out the signed decision to send.
  for (const [type, data] of [
    ["survey.users.completed", { invited: 1000, respondents: 320, satisfactionRate: 85 }],
    ["survey.agents.completed", { population: 80, respondents: 50, score: 79 }],
  ]) {
    const ref = `NAV-${type}-2-${Date.now()}`;
    await deliver(base, type, {
      structureCode: pending,
      surveyRef: ref,
      periodStart: day(-60),
      periodEnd: day(-3),
      ...data,
    });
  }
  await m.goto(`${base}/admin/structures/${pending}`, { waitUntil: "networkidle" });
  const tier = (await m.locator("#palier-propose").textContent())?.trim();
  check(["Bronze", "Argent", "Or"].includes(tier), `the member's page proposes a tier (${tier})`);
  const nextStep = await m.locator("#prochaine-etape").textContent();
  check(nextStep.includes("Prochaine étape : envoyer votre décision"), "…and names the next step");
  await mAudit("structure page, tier proposed");
  await m.locator("#prochaine-etape").scrollIntoViewIfNeeded();
  await m.screenshot({ path: join(t.out, "backoffice-member-next-step.png") });
  const event = JSON.parse(await m.locator("#evenement-decision").textContent());
  check(
    event.type === "label.decision" && event.data.structureCode === pending && event.data.decision === "award",
    "the event on the page is the body's decision for this structure",
  );
  check((await deliver(base, event.type, event.data)) === 200, "the member's body sends it, signed: applied");
  await m.goto(`${base}/admin/structures/${pending}`, { waitUntil: "networkidle" });
  check((await m.locator("#label-actuel").textContent()).includes("valide"), "the label is there, valid");

  // 13. Its dashboard's tiles open its labels filtered by state, with a state column.
  await m.goto(`${base}/admin`, { waitUntil: "networkidle" });
  await Promise.all([m.waitForNavigation(), m.click("#etat-valid a")]);
  check(m.url() === `${base}/admin/labels?status=valid`, `the « Valides » tile opens the filtered list (${m.url()})`);
  const labels = await m.locator("#labels").textContent();
  check(
    labels.includes("État") && labels.includes("Agence de démonstration enregistrée plus tard"),
    "the list has a state column and the new label",
  );
  check(!labels.includes("Suspendu"), "…and only valid labels");
  await mAudit("labels, filtered");
  await memberBrowser.close();

  // 14. What matches no page: a French 404 page, same frame.
  const missing = await page.goto(`${base}/admin/no-such-page`, { waitUntil: "networkidle" });
  check(missing.status() === 404, "an unknown back-office page: 404");
  await t.axe(page, "back-office 404 page");
  check(refused.length === 0, `back-office: no CSP violation ${refused.join(" | ")}`);
  await page.close();
}

/** Every source file under `dir`, path → text (what test/english.ts reads through Vite). */
function sourcesOf(dir) {
  const out = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && /\.tsx?$/.test(e.name)) {
      const path = join(e.parentPath ?? e.path, e.name);
      out[path] = readFileSync(path, "utf8");
    }
  }
  return out;
}
