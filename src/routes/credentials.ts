/**
 * Verifiable credentials (public, no credentials, CORS `*`): a label's Open Badges 3.0 credential, the
 * W3C Bitstring status lists, the issuer's DID document and profile, and a verification endpoint for
 * those without a VC library. Everything served is what the effects signed and stored
 * (src/changes/credentials.ts, status-lists.ts): nothing is signed here.
 * @see docs/adr/0006-verifiable-credentials.md
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { statusTag } from "../changes/status-lists";
import { didDocument, issuerKeys } from "../credentials/keys";
import { didDocumentFetcher, documentLoader } from "../credentials/loader";
import { issuerProfile, OB_V3_CONTEXT, STATUS_LIST_TTL_SECONDS, VC_V2_CONTEXT } from "../credentials/model";
import { CREDENTIAL_STATUSES, checkCredential, type LabelStateOf } from "../credentials/verify";
import { getDb } from "../db/client";
import { findCredential, findStatusList } from "../db/credentials";
import { findPublicLabel } from "../db/public";
import { STATUS_PURPOSES } from "../db/schema";
import { parisDay, publicStatus } from "../domain/badge";
import { nothingRecentKnown, outageSettings, withinBudget } from "../lib/d1-outage";
import { ApiError, asApiError, fieldErrors, notFound } from "../lib/errors";
import { clientIp, enforceRateLimit } from "../lib/rate-limit";
import { router } from "../lib/router";
import { cachedAnswer, cacheKey, conditional, weakEtag } from "../public/cache";
import { lastKnownStatusList } from "../public/known-lists";
import { STALE_MAX_AGE_SECONDS } from "../public/last-known";
import { rawSegment, servePublic } from "../public/serve";
import { apiRoute, canonicalRedirect, headers, json, noSecurity, notModified, problem } from "./openapi-common";
import { publicCors, Ref, refMalformed } from "./public";

export const credentialsRouter = router();
// /v1/public/labels/* (the credential answers) has the listing router's publicCors already.
for (const path of ["/v1/public/credentials/*", "/v1/public/issuer", "/status/*", "/.well-known/did.json"]) {
  credentialsRouter.use(path, publicCors);
}

/** The largest credential `verify` reads: the registry's own are about 4 KiB. */
export const MAX_CREDENTIAL_BYTES = 64 * 1024;

const DataIntegrityProofSchema = z.looseObject({
  type: z.literal("DataIntegrityProof"),
  cryptosuite: z.literal("eddsa-rdfc-2022"),
});

const VerifiableCredential = z
  .looseObject({
    "@context": z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
    id: z.string().optional(),
    type: z.array(z.string()),
    // A proof set of one; a document signed before proof sets (until the backfill signs it again): one object.
    proof: z.union([z.array(DataIntegrityProofSchema).length(1), DataIntegrityProofSchema]),
  })
  .openapi("VerifiableCredential", {
    description:
      "A W3C Verifiable Credential 2.0 secured with a `DataIntegrityProof` (`eddsa-rdfc-2022`), issued by " +
      "the registry's `did:web`",
  });

const vary = {
  Vary: { description: "`Accept`: the media type follows it", required: true, schema: { type: "string" as const } },
};

/** `application/vc` (the VC 2.0 media type), or `application/json` for clients that ask for JSON only. */
const vcContent = {
  "application/vc": { schema: VerifiableCredential },
  "application/json": { schema: VerifiableCredential },
};

function wantsJsonOnly(c: Context<AppEnv>): boolean {
  const accept = c.req.header("Accept") ?? "";
  return /\bapplication\/json\b/i.test(accept) && !/\bapplication\/vc\b/i.test(accept);
}

/** Sets the media type the client asked for on a stored answer (cached once, in `application/vc`). */
function negotiated(c: Context<AppEnv>, res: Response): Response {
  if (res.status === 200 || res.status === 304) {
    if (res.status === 200) res.headers.set("Content-Type", wantsJsonOnly(c) ? "application/json" : "application/vc");
    res.headers.set("Vary", "Accept");
  }
  return res;
}

const vcResponse = async (document: string) =>
  new Response(document, {
    headers: {
      "Content-Type": "application/vc",
      ETag: await weakEtag(document),
      "Access-Control-Allow-Origin": "*",
    },
  });

credentialsRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/v1/public/labels/{ref}/credential",
      operationId: "getLabelCredential",
      security: noSecurity,
      tags: ["public"],
      summary: "A label's verifiable credential (Open Badges 3.0)",
      description:
        "The label's `OpenBadgeCredential` (VC Data Model 2.0 + Open Badges 3.0), signed by the registry " +
        "(`DataIntegrityProof`, `eddsa-rdfc-2022`) when the label was created or last changed, as stored: by Code " +
        "SP+ the structure's current label, by label number that label. `application/vc`; `Accept: " +
        "application/json` gives the same JSON. Its suspension and revocation are read from the status lists its " +
        "`credentialStatus` names; `POST /v1/public/credentials/verify` checks all of it. Cached at the edge " +
        "like the label (purged when signed again). Another spelling of the reference answers 301.",
      request: { params: z.object({ ref: Ref }) },
      responses: {
        200: { description: "The signed credential", headers: { ...headers.cache, ...vary }, content: vcContent },
        301: canonicalRedirect,
        304: notModified,
        404: problem(
          "Unknown structure or label, a structure without a label, or a label whose credential is not signed " +
            "yet (it is within a minute of the award)",
        ),
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) => {
    const res = await servePublic(
      c,
      "credential",
      rawSegment(c, "/v1/public/labels/", "/credential"),
      async (l, ref, _now, { known }) => {
        if (!l) throw notFound(`Structure or label ${ref.value}`);
        if (!l.labelNumber) throw notFound(`Structure ${l.structure.code} has no label, hence no credential`);
        // D1 down: the credential as last stored (its status lists still tell a suspension or a withdrawal).
        const document = known ? known.credential : await findCredential(getDb(c.env.DB), l.labelNumber);
        if (!document) throw notFound(`The credential of label ${l.labelNumber} is not signed yet; retry in a minute`);
        return vcResponse(document);
      },
      refMalformed,
    );
    return negotiated(c, res) as never;
  },
);

const StatusParams = z.object({
  purpose: z.enum(STATUS_PURPOSES).openapi({
    param: { name: "purpose", in: "path" },
    description:
      "`message` (the list credentials name now: two bits a label, valid / suspended / withdrawn); " +
      "`revocation` (final) and `suspension`, kept for credentials handed out before it",
  }),
  list: z
    .string()
    .regex(/^\d{4}(-[1-9]\d{0,5})?$/, "A list id: the year of the label numbers it holds, then -2, -3… once full")
    .openapi({
      param: { name: "list", in: "path" },
      description:
        "The year of the label numbers it holds (`2026`); once a year's list is full, the next ones are " +
        "`2026-2`, `2026-3`…",
      example: "2026",
    }),
});

credentialsRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/status/{purpose}/{list}",
      operationId: "getStatusList",
      security: noSecurity,
      tags: ["public"],
      summary: "A status list (W3C Bitstring Status List)",
      description:
        "The signed `BitstringStatusListCredential` of one purpose and one list: 131,072 entries, GZIP + " +
        "base64url multibase. `message`: two bits an entry, the label's state as its credential's " +
        "`statusMessage` names it (`0x0` valid, `0x1` suspended, `0x2` withdrawn); `suspension` and " +
        "`revocation` (one bit: suspended, withdrawn) serve the credentials handed out before. Signed again, " +
        "and purged from the caches, when a bit changes; cached for its `ttl` " +
        `(${STATUS_LIST_TTL_SECONDS} s).`,
      request: { params: StatusParams },
      responses: {
        200: {
          description: "The signed status list credential",
          headers: { ...headers.cache, ...vary },
          content: vcContent,
        },
        304: notModified,
        404: problem("No such list (no label numbered in that year yet)"),
      },
    },
    { ignoresQuery: true, rateLimited: true },
  ),
  async (c) => {
    const { purpose, list } = c.req.valid("param");
    const key = cacheKey(`/status/${purpose}/${list}`);
    const hit = await cachedAnswer(key);
    if (hit) return negotiated(c, conditional(c.req.raw, hit)) as never;
    await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
    const now = new Date();
    let stored: { document: string } | null;
    try {
      stored = await withinBudget(outageSettings(c.env).budgetMs, () => findStatusList(getDb(c.env.DB), purpose, list));
    } catch (err) {
      if (asApiError(err)) throw err;
      // D1 down: the list as last signed, dated and kept seconds only, so verifiers still read each state.
      const known = await lastKnownStatusList(c.env, purpose, list, now, err);
      if (!known) throw nothingRecentKnown();
      const res = await vcResponse(known.document);
      res.headers.set("Cache-Control", `public, max-age=${STALE_MAX_AGE_SECONDS}`);
      res.headers.set("X-Cache", "STALE");
      res.headers.set("X-Facts-At", known.factsAt);
      return negotiated(c, res) as never;
    }
    if (!stored) throw notFound(`Status list ${purpose}/${list}`);
    const res = await vcResponse(stored.document);
    res.headers.set("Cache-Control", `public, max-age=${STATUS_LIST_TTL_SECONDS}`);
    res.headers.set("Cache-Tag", statusTag(purpose, list));
    await caches.default.put(key, res.clone());
    res.headers.set("X-Cache", "MISS");
    return negotiated(c, conditional(c.req.raw, res)) as never;
  },
);

const shortCache = { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" };

const DidDocumentSchema = z
  .looseObject({
    id: z.string().openapi({ example: "did:web:registre.example" }),
    verificationMethod: z.array(
      z.object({
        id: z.string(),
        type: z.literal("Multikey"),
        controller: z.string(),
        publicKeyMultibase: z.string(),
      }),
    ),
    assertionMethod: z.array(z.string()),
  })
  .openapi("DidDocument");

credentialsRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/.well-known/did.json",
      operationId: "getDidDocument",
      security: noSecurity,
      tags: ["public"],
      summary: "The issuer's DID document (did:web)",
      description:
        "The registry issues as `did:web:<its host>`; this is that DID's document: every Ed25519 key " +
        "(`Multikey`) whose signatures verify — the current one and those it signed with before a rotation — " +
        "each an `assertionMethod`. `application/did+json` (the DID media type); `Accept: application/json` " +
        "alone gives the same JSON as `application/json`.",
      responses: {
        200: {
          description: "The DID document",
          headers: vary,
          content: {
            "application/did+json": { schema: DidDocumentSchema },
            "application/json": { schema: DidDocumentSchema },
          },
        },
      },
    },
    { ignoresQuery: true },
  ),
  async (c) => {
    const accept = c.req.header("Accept") ?? "";
    const plain = /\bapplication\/json\b/i.test(accept) && !/\bapplication\/did\+json\b/i.test(accept);
    return new Response(JSON.stringify(didDocument(await issuerKeys(c.env))), {
      headers: {
        ...shortCache,
        "Content-Type": plain ? "application/json" : "application/did+json",
        Vary: "Accept",
      },
    }) as never;
  },
);

credentialsRouter.openapi(
  apiRoute(
    {
      method: "get",
      path: "/v1/public/issuer",
      operationId: "getIssuerProfile",
      security: noSecurity,
      tags: ["public"],
      summary: "The issuer's profile (Open Badges 3.0)",
      description: "The `Profile` every credential names as its `issuer` (its `id` is the registry's `did:web`).",
      responses: {
        200: json(
          z
            .looseObject({ id: z.string(), type: z.array(z.string()), name: z.string(), url: z.string() })
            .openapi("IssuerProfile"),
          "The issuer's profile",
        ),
      },
    },
    { ignoresQuery: true },
  ),
  async (c) => {
    const keys = await issuerKeys(c.env);
    return c.json({ "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT], ...issuerProfile(keys) }, 200, shortCache);
  },
);

const CredentialCheckSchema = z
  .object({
    verified: z.boolean().openapi({
      description: "True only when all of the below are: proof valid, issued here, the label `valid` today",
    }),
    proofValid: z.boolean().openapi({
      description:
        "The document is exactly one of the registry's credentials and its proof verifies with one of the " +
        "registry's published keys",
    }),
    issuedHere: z.boolean().openapi({ description: "Its issuer is this registry's `did:web`" }),
    status: z.enum(CREDENTIAL_STATUSES).openapi({
      description:
        "The label's state today, from the registry's records for the label number (never from the document): " +
        "`valid`, `suspended`, `revoked` (withdrawn, final), `expired`, `not-yet-valid`; `unknown` when the " +
        "document is not one of the registry's credentials or comes from another issuer",
      example: "valid",
    }),
    reason: z.string().openapi({
      description:
        "Why, in English: starts with « Not one of our credentials » or « The document carries unsigned " +
        "content » when the document is not exactly as the registry issued it",
      example: "The proof verifies with the registry's key; the registry's records show the label valid today",
    }),
    labelNumber: z.string().nullable().openapi({ example: "SPP-2026-000001" }),
    checkedAt: z.string().openapi({ example: "2026-11-28T09:00:00.000Z" }),
  })
  .openapi("CredentialCheck");

/** The label's state today in the registry's records (what `GET /v1/public/labels/{number}` says). */
function recordedState(env: Env, now: Date): LabelStateOf {
  return async (number) => {
    const row = await findPublicLabel(getDb(env.DB), { kind: "label", value: number });
    if (row?.labelNumber !== number || !row.status || !row.expiresOn) return null;
    return publicStatus({ status: row.status, expiresOn: row.expiresOn }, parisDay(now));
  };
}

const CredentialBody = z.record(z.string(), z.unknown()).openapi({ description: "The credential" });

/** The body as sent in `application/vc` (the type the registry serves credentials in): parsed and checked here. */
async function vcBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError("bad-request", "The body is not JSON");
  }
  const r = CredentialBody.safeParse(parsed);
  if (!r.success) {
    throw new ApiError("validation", "The request does not match the schema", {
      errors: fieldErrors(r.error.issues, "Unknown field"),
    });
  }
  return r.data;
}

credentialsRouter.openapi(
  apiRoute(
    {
      method: "post",
      path: "/v1/public/credentials/verify",
      operationId: "verifyCredential",
      security: noSecurity,
      tags: ["public"],
      summary: "Verify a credential (for those without a VC library)",
      description:
        "Send a credential (the body: the JSON as downloaded, `application/vc` or `application/json`, at most 64 " +
        "KiB) and get whether it is one of the registry's credentials with a valid proof, and the label's state " +
        "today from the registry's records — each with the reason. A document that is not exactly as the " +
        "registry issues its credentials (another `@context` list, an array where a string is issued, an added " +
        "key…) is refused before any canonicalisation, with `verified: false`. Only the registry's own " +
        "credentials are checked: no document is fetched from elsewhere. Not cached; limited per address like " +
        "the other anonymous reads.",
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: CredentialBody }, "application/vc": { schema: CredentialBody } },
        },
      },
      responses: { 200: json(CredentialCheckSchema, "The outcome of the checks") },
    },
    { rateLimited: true },
  ),
  async (c) => {
    await enforceRateLimit(c.env.PUBLIC_LIMITER, clientIp(c.req.raw));
    const vc = /^application\/vc\s*(;|$)/i.test(c.req.header("Content-Type") ?? "");
    const credential = vc ? await vcBody(c) : c.req.valid("json");
    // A bound far above any credential of ours (about 5 KiB); the shape check bounds the rest of the work.
    if (JSON.stringify(credential).length > MAX_CREDENTIAL_BYTES) {
      throw new ApiError("payload-too-large", `A credential is at most ${MAX_CREDENTIAL_BYTES} bytes`);
    }
    const keys = await issuerKeys(c.env);
    const now = new Date();
    const check = await checkCredential(credential, {
      did: keys.did,
      base: keys.base,
      publishedKeys: keys.published.map((k) => k.id),
      documentLoader: documentLoader(didDocumentFetcher(didDocument(keys))),
      labelState: recordedState(c.env, now),
      now,
    });
    return c.json({ ...check, checkedAt: now.toISOString() }, 200, { "Access-Control-Allow-Origin": "*" });
  },
);
