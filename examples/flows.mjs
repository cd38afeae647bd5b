// @ts-check
/**
 * A label's whole path through the registry with the typed client: register, assign, the body's
 * signed results, evaluate, decide, verify. Run it with `node examples/label-a-structure.mjs`; the
 * tests run the same function against the Worker (test/client.test.ts).
 */
import { ok, sendEvent } from "./client.mjs";

/** @typedef {import("./client.mjs").RegistryClient} RegistryClient */
/** @typedef {import("./client.mjs").schemas["WebhookEvent"]} WebhookEvent */

/** @param {number} offset days from today */
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * @param {(token?: string) => RegistryClient} connect a client with that token (none: public reads)
 * @param {{ adminToken: string, code: string }} opts the admin token, a new structure's Code SP+
 */
export async function labelAStructure(connect, { adminToken, code }) {
  const admin = connect(adminToken);

  // The commission registers a habilitated certification body: its API key and signing secret, once.
  const body = ok(
    await admin.POST("/v1/certifiers", {
      body: {
        name: "Organisme de certification de l'exemple",
        contactEmail: "certification@oc-exemple.example",
        habilitation: { from: day(-400), until: day(800) },
      },
    }),
    "register the body",
  );

  // The structure, and the body it chose.
  ok(
    await admin.POST("/v1/structures", {
      body: {
        code,
        name: "Préfecture de l'exemple",
        network: "Préfectures",
        category: "service_deconcentre_etat",
        postcode: "13001",
        city: "Marseille",
        department: "13",
        contacts: [{ email: "qualite@prefecture-exemple.example", role: "Référente qualité" }],
      },
    }),
    "register the structure",
  );
  ok(
    await admin.PUT("/v1/structures/{code}/certifier", {
      params: { path: { code } },
      body: { certifierId: body.id, contractRef: "MARCHE-EXEMPLE-1" },
    }),
    "assign the body",
  );

  // The body pushes the audit and both surveys as signed webhooks.
  const signed = connect();
  /** @type {WebhookEvent[]} */
  const events = [
    {
      type: "audit.completed",
      timestamp: new Date().toISOString(),
      data: {
        structureCode: code,
        auditRef: `AUD-${code}`,
        kind: "initial",
        auditedOn: day(-40),
        engagements: [1, 2, 3, 4, 5, 6, 7, 8].map((number) => ({ number, score: 85 })),
        criteria: [{ id: "E2-C1", result: "conforme", blocking: true }],
      },
    },
    {
      type: "survey.users.completed",
      timestamp: new Date().toISOString(),
      data: {
        structureCode: code,
        surveyRef: `USAGERS-${code}`,
        periodStart: day(-70),
        periodEnd: day(-35),
        invited: 1000,
        respondents: 310,
        satisfactionRate: 86,
      },
    },
    {
      type: "survey.agents.completed",
      timestamp: new Date().toISOString(),
      data: {
        structureCode: code,
        surveyRef: `AGENTS-${code}`,
        periodStart: day(-70),
        periodEnd: day(-35),
        population: 120,
        respondents: 64,
        score: 81,
      },
    },
  ];
  for (const event of events) {
    const accepted = ok(
      await sendEvent(signed, { certifierId: body.id, secret: body.webhookSecret, event }),
      `send ${event.type}`,
    );
    if (accepted.status !== "applied") throw new Error(`${event.type}: ${accepted.status}`);
  }

  // The body reads the evaluation with its own key; the commission decides on the proposed tier.
  const evaluation = ok(
    await connect(body.apiKey).GET("/v1/structures/{code}/evaluation", { params: { path: { code } } }),
    "evaluate",
  );
  if (evaluation.state !== "complete" || !evaluation.proposedTier) {
    throw new Error(`evaluation ${evaluation.state}: ${JSON.stringify(evaluation.missing)}`);
  }
  const decided = ok(
    await admin.POST("/v1/structures/{code}/decisions", {
      params: { path: { code } },
      body: { decision: "award", tier: evaluation.proposedTier, decidedOn: day(0) },
    }),
    "decide",
  );

  // Anyone verifies it, with no credentials.
  const verified = ok(await connect().GET("/v1/public/labels/{ref}", { params: { path: { ref: code } } }), "verify");
  return { certifierId: body.id, evaluation, decided, verified };
}
