/**
 * The back-office speaks French: by construction (every refusal a page shows goes through the French
 * tables of src/pages/admin/words.ts, whatever English the API said), checked on every page the
 * back-office tests render (test/access.ts `office` fails on any English phrase the code can emit,
 * test/english.ts), and on the paths people took in issue 24: a failed form, a body's portal from a
 * proposed tier to its next step, the dashboard's figures opening their filtered lists.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CertifierCreate, StructureCreate } from "../src/contract/schemas";
import { ApiError, PROBLEMS, type ProblemCode } from "../src/lib/errors";
import { FormRefusal, frenchFieldError, frenchIssue, frenchRefusal, storedRefusal } from "../src/pages/admin/words";
import { grant, office, serveAccessKeys } from "./access";
import { ENGLISH_PHRASES, englishIn } from "./english";
import { makeAssignment, makeCertifier, makeInputs, makeLabel, makeStructure } from "./factories";
import { call, sql } from "./helpers";

serveAccessKeys();
const ADMIN = "francais@ditp.example";
await grant(ADMIN);

const CODES = Object.keys(PROBLEMS) as ProblemCode[];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
/** Every word a refusal shows a person. */
const shown = (r: ReturnType<typeof frenchRefusal>) =>
  [r.title, r.detail, ...r.errors.flatMap((e) => [e.field, e.message])].join(" \n ");

describe("the English the code can say (test/english.ts)", () => {
  it("is collected from the sources, and the check fails on a page that shows it", () => {
    for (const p of [
      "some fields are not accepted",
      "is not assigned to this certification body",
      "department code: 01–95, 2a, 2b or 971–976",
      "this page is for the administration only",
      "no audit received",
      "must not be after today (",
    ]) {
      expect(ENGLISH_PHRASES).toContain(p);
    }
    expect(ENGLISH_PHRASES.length).toBeGreaterThan(80);
    expect(englishIn("<p>Certains champs ne sont pas acceptés</p>")).toEqual([]);
    expect(englishIn("<p>department : Department code: 01–95, 2A, 2B or 971–976</p>")).toEqual([
      "department code: 01–95, 2a, 2b or 971–976",
    ]);
    // Identifiers in <code> are data, not sentences.
    expect(englishIn("<code>This page is for the administration only</code>")).toEqual([]);
  });
});

describe("French by construction (src/pages/admin/words.ts)", () => {
  it("any refusal, whatever its English, is shown in French: each code, each collected sentence, any text", () => {
    const sentences = [...ENGLISH_PHRASES, "Structure X-1 is not assigned to this certification body"];
    for (const code of CODES) {
      for (const sentence of sentences) {
        const r = frenchRefusal(new ApiError(code, sentence, { errors: [{ path: "department", message: sentence }] }));
        expect(englishIn(`<p>${shown(r)}</p>`), `${code}: ${sentence}`).toEqual([]);
        expect(shown(r).toLowerCase()).not.toContain(sentence.toLowerCase());
      }
    }
    fc.assert(
      fc.property(fc.constantFrom(...CODES), fc.string({ minLength: 12 }), fc.string(), (code, detail, path) => {
        const r = frenchRefusal(new ApiError(code, detail, { errors: [{ path, message: detail }] }));
        // Nothing of an unknown English text reaches the page.
        expect(shown(r)).not.toContain(detail);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 100) },
    );
  });

  it("the known refusals keep their precision: identifiers and dates, in French words", () => {
    const r = (code: ProblemCode, detail: string, errors?: { path: string; message: string }[]) =>
      frenchRefusal(new ApiError(code, detail, { errors }));
    expect(r("forbidden", "Structure MA-1 is not assigned to this certification body").detail).toBe(
      "La structure MA-1 n'est pas attribuée à votre organisme de certification.",
    );
    expect(r("forbidden", "This page is for the administration only").detail).toBe(
      "Cette page est réservée à l'administration du label.",
    );
    expect(r("conflict", "Cannot suspend label SPP-2026-000004: it is suspended").detail).toBe(
      "On ne peut pas suspendre le label SPP-2026-000004 : il est suspendu.",
    );
    expect(r("not-found", "Structure NOPE-1 not found").detail).toBe(
      "La structure NOPE-1 n'existe pas dans le registre.",
    );
    // A write that lost a race (the label verbs' 409) says so, and what to do.
    expect(
      r(
        "conflict",
        "The labels of structure MA-2 changed while this request was being handled; nothing was recorded. Read them again, then retry if it still applies",
      ).detail,
    ).toMatch(/^Les labels de la structure MA-2 ont changé pendant cette demande ; rien n'a été enregistré\./);
    const date = r("unprocessable", "Must not be after today (2026-12-06)", [
      { path: "effectiveOn", message: "Must not be after today (2026-12-06)" },
    ]);
    expect(date.errors).toEqual([
      { path: "effectiveOn", field: "Date d'effet", message: "Pas après aujourd'hui (06/12/2026)." },
    ]);
    expect(frenchFieldError({ path: "evaluation.audit", message: "absent: No audit received" })).toEqual({
      path: "evaluation.audit",
      field: "Audit",
      message: "absente : aucun audit reçu",
    });
  });

  it("every zod issue of the forms' schemas, on any input, in French with the field's name", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("code", "name", "siret", "postcode", "department", "website", "contacts", "category", "x"),
          fc.oneof(fc.string(), fc.integer(), fc.constant([{ email: "nope" }]), fc.constant(null)),
        ),
        (input) => {
          for (const schema of [StructureCreate, CertifierCreate]) {
            const parsed = schema.safeParse(input);
            if (parsed.success) continue;
            const words = parsed.error.issues.flatMap((i) => frenchIssue(i as never));
            expect(words.length).toBeGreaterThan(0);
            for (const w of words) {
              expect(englishIn(`<p>${w.field} : ${w.message}</p>`), JSON.stringify(w)).toEqual([]);
              expect(w.field).not.toBe("");
            }
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 100) },
    );
    const dep = StructureCreate.safeParse({ department: "999" });
    const words = new FormRefusal(dep.error!.issues as never).french;
    expect(words.find((w) => w.path === "department")).toEqual({
      path: "department",
      field: "Département",
      message: "Un code de département : 01 à 95, 2A, 2B ou 971 à 976 (« 1 » se lit 01).",
    });
    expect(words.find((w) => w.path === "name")?.message).toBe("À renseigner.");
  });

  it("a stored rejection is read from the problem answered, in French; never the stored English", () => {
    const body = JSON.stringify({
      code: "validation",
      detail: "The event does not match its schema",
      errors: [{ path: "data.engagements", message: "Too small: expected array to have >=8 items" }],
    });
    const r = storedRefusal(body, "The event does not match its schema (data.engagements)")!;
    expect(r.detail).toBe("L'événement ne suit pas son schéma : voyez les champs ci-dessous.");
    expect(r.errors[0]).toMatchObject({
      path: "data.engagements",
      message: "Valeur refusée par une règle du registre.",
    });
    expect(storedRefusal(null, "Something nobody translated")!.detail).toBe("Rejetée par une règle du registre.");
  });
});

describe("forms forgive what a person types", () => {
  it("« 1 » for a department is 01; spaces in a SIRET and a postcode are ignored", async () => {
    const r = await office("POST", "/admin/structures", {
      as: ADMIN,
      form: {
        code: "BO-FORGIVE-1",
        name: "Mairie indulgente",
        network: "Communes",
        category: "collectivite_territoriale",
        siret: "217 500 016 00019",
        postcode: "1 000",
        city: "Bourg",
        department: " 1 ",
        contact1_email: "mairie@bourg.example",
      },
    });
    expect(r.status).toBe(303);
    const s = (await call("GET", "/v1/structures/BO-FORGIVE-1")).json;
    expect(s).toMatchObject({ department: "01", siret: "21750001600019", postcode: "01000" });
    // « 2a » is 2A; the search takes « 1 » as 01 too.
    const list = await office("GET", "/admin/structures?department=1", { as: ADMIN });
    expect(list.text).toContain("BO-FORGIVE-1");
  });

  it("a failed form comes back in French, every value kept, each message next to its field", async () => {
    const r = await office("POST", "/admin/structures", {
      as: ADMIN,
      form: {
        code: "BO-FAILED-1",
        name: "Mairie refusée",
        network: "Communes",
        category: "collectivite_territoriale",
        siret: "123",
        postcode: "75001",
        city: "Paris",
        department: "99",
        contact1_email: "qualite@paris.example",
      },
    });
    expect(r.status).toBe(422);
    expect(r.text).toContain("Certains champs ne sont pas acceptés : corrigez ce qui est indiqué.");
    expect(r.text).toContain('<p class="fr-error-text" id="f-department-erreur">Un code de département : 01 à 95');
    expect(r.text).toContain('<p class="fr-error-text" id="f-siret-erreur">14 chiffres, dont le dernier est la clé');
    for (const v of ["BO-FAILED-1", "Mairie refusée", "123", "99", "qualite@paris.example"]) {
      expect(r.text).toContain(`value="${v}"`);
    }
    expect(r.text).not.toContain("Some fields");
  });
});

describe("no dead end in a body's portal", () => {
  it("from a proposed tier to the exact signed label.decision to send, then to its label", async () => {
    const body = await makeCertifier({ name: "Organisme Exemple", habilitation: { from: day(-400), until: day(800) } });
    const member = `portail@${body.id}.example`;
    await grant(member, body.id);
    const s = await makeStructure({ name: "Mairie à décider" });
    await makeAssignment(s.code, body.id);

    // The dashboard names the body with the right elision, and says what the portal is for.
    const home = await office("GET", "/admin", { as: member });
    expect(home.text).toContain("Le portail <strong>d&#39;Organisme Exemple</strong>");
    expect(home.text).not.toContain("Le portail de Organisme");

    // Nothing received yet: the next step names the events missing.
    const before = await office("GET", `/admin/structures/${s.code}`, { as: member });
    expect(before.text).toContain("Prochaine étape : compléter l&#39;évaluation");
    for (const t of ["audit.completed", "survey.users.completed", "survey.agents.completed"]) {
      expect(before.text).toContain(`<code>${t}</code>`);
    }
    expect(before.text).toContain("Audit — absente : aucun audit reçu");
    // Empty tables say so.
    expect(before.text).toContain("Aucune décision.");

    await makeInputs(s.code, body.id, { tier: "argent" });
    const proposed = await office("GET", `/admin/structures/${s.code}`, { as: member });
    expect(proposed.text).toContain('<strong id="palier-propose">Argent</strong>');
    expect(proposed.text).toContain("Prochaine étape : envoyer votre décision");
    const event = JSON.parse(
      /<pre class="fr-text--sm" id="evenement-decision"><code>([\s\S]*?)<\/code><\/pre>/
        .exec(proposed.text)![1]!
        .replace(/&quot;/g, '"'),
    );
    expect(event).toMatchObject({
      type: "label.decision",
      data: { structureCode: s.code, decision: "award", tier: "argent", decidedOn: day(0) },
    });
    expect(proposed.text).toContain(`POST /v1/webhooks/certifiers/${body.id}`);
    expect(proposed.text).toContain('href="/docs"');
  });

  it("the dashboard's tiles open the body's labels filtered by that state, with a state column", async () => {
    const body = await makeCertifier({
      name: "L'Organisme Tuiles",
      habilitation: { from: day(-400), until: day(800) },
    });
    const member = `tuiles@${body.id}.example`;
    await grant(member, body.id);
    const s = await makeStructure();
    await makeAssignment(s.code, body.id);
    const label = await makeLabel({ structureCode: s.code, certifierId: body.id, status: "suspended" });
    const other = await makeLabel(); // another body's: never in this portal

    const home = await office("GET", "/admin", { as: member });
    expect(home.text).toContain("Le portail <strong>de l&#39;Organisme Tuiles</strong>");
    expect(home.text).toContain('<a href="/admin/labels?status=suspended">Suspendus</a>');
    const suspended = await office("GET", "/admin/labels?status=suspended", { as: member });
    expect(suspended.status).toBe(200);
    expect(suspended.text).toContain('<th scope="col">État</th>');
    expect(suspended.text).toContain(label.number);
    expect(suspended.text).not.toContain(other.number);
    const valid = await office("GET", "/admin/labels?status=valid", { as: member });
    expect(valid.text).not.toContain(label.number);
    expect(valid.text).toContain("Aucun label ne correspond.");

    // The structure's page says the date is the label's end, not the suspension's.
    const page = await office("GET", `/admin/structures/${s.code}`, { as: member });
    expect(page.text).toMatch(
      /palier Argent, <span[^>]*>suspendu<\/span> ; fin de validité du label : \d\d\/\d\d\/\d{4}/i,
    );
    expect(page.text).not.toMatch(/suspendu<\/span> jusqu/);
  });

  it("the administration's figures open their filtered lists", async () => {
    const home = await office("GET", "/admin", { as: ADMIN });
    for (const href of [
      "/admin/labels?status=valid",
      "/admin/labels?status=suspended",
      "/admin/labels?status=withdrawn",
      "/admin/labels?status=expired",
      "/admin/labels?expiresWithin=30",
      "/admin/webhook-events?status=rejected",
      "/admin/outbox?status=failed",
    ]) {
      expect(home.text).toContain(`href="${href}"`);
      expect((await office("GET", href, { as: ADMIN })).status, href).toBe(200);
    }
    const [{ n } = { n: 0 }] = await sql<{ n: number }>(
      "SELECT count(*) AS n FROM labels WHERE status = 'suspended' AND superseded_by IS NULL",
    );
    const list = await office("GET", "/admin/labels?status=suspended", { as: ADMIN });
    expect((list.text.match(/<tr><td>SPP-/g) ?? []).length).toBe(Math.min(n, 50));
  });
});
