/**
 * The Worker's configuration, checked once per isolate: a missing secret or a malformed variable
 * fails loudly at the first request instead of misbehaving later.
 */
import { z } from "zod";
import { STATUS_LIST_LENGTH } from "./credentials/model";
import { isLoopbackHost } from "./domain/endpoint-url";
import { DEFAULT_POLICY, PolicyText } from "./domain/publication";

const EnvSchema = z
  .object({
    ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN must be at least 16 characters"),
    PUBLIC_BASE_URL: z.url(),
    WEBHOOK_SECRET_GRACE_HOURS: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 30),
    /** Days after a body's habilitation ended during which audits and surveys performed before may arrive. */
    HABILITATION_GRACE_DAYS: z.coerce.number().int().min(0).max(366),
    /**
     * Days an inbox row nothing references is kept (replayable, and recognised as a copy). At least a
     * week: a sender's retries of one message (re-signed with fresh timestamps) last hours to days.
     */
    INBOX_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(7)
      .max(10 * 366),
    /** Days a finished delivery to a subscriber stays in its delivery log (and may be delivered again). */
    NOTIFICATION_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(7)
      .max(10 * 366),
    EMAIL_TRANSPORT: z.enum(["cloudflare", "brevo", "local"]),
    /** "on" (with EMAIL_TRANSPORT=local): /dev/outbox shows the e-mails kept by the local transport. */
    DEV_OUTBOX: z.enum(["on", "off"]),
    EMAIL_FROM: z.email(),
    /** "180,90,30,7" → [180, 90, 30, 7]: distinct whole days, sorted from the earliest reminder. */
    REMINDER_OFFSETS_DAYS: z
      .string()
      .transform((s) => s.split(",").map((d) => Number(d.trim())))
      .pipe(
        z
          .array(
            z
              .number()
              .int()
              .min(1)
              .max(3 * 366),
          )
          .min(1),
      )
      .refine((a) => new Set(a).size === a.length, "REMINDER_OFFSETS_DAYS must not repeat a value")
      .transform((a) => [...a].sort((x, y) => y - x)),
    /** Secret, needed only by the Brevo transport. */
    BREVO_API_KEY: z.string().min(1).optional(),
    /**
     * Global purge of cached public answers by Cache-Tag (src/changes/purge.ts): the zone serving the
     * registry and an API token with the « Cache Purge » permission (a secret). Both, or neither (then
     * only the data centre where a change is made is purged: docs/operators.md).
     */
    CLOUDFLARE_ZONE_ID: z
      .string()
      .regex(/^[0-9a-f]{32}$/, "CLOUDFLARE_ZONE_ID is the zone's 32-hex-digit id")
      .optional(),
    CLOUDFLARE_PURGE_TOKEN: z.string().min(1).optional(),
    /** Purge requests the plan allows a minute (Free: 5; Pro and up allow more a second). */
    PURGE_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(3000).default(5),
    /** Secret: the Ed25519 seed the registry signs credentials with (src/credentials/keys.ts). */
    CREDENTIAL_SIGNING_KEY: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{43}$/,
        "CREDENTIAL_SIGNING_KEY is a 32-byte Ed25519 seed written base64url (43 characters)",
      ),
    /**
     * Entries a status list takes before the next label of the year goes to a new list (`2026-2`…): the
     * 131,072 bits a list holds, unless set lower (tests fill a list with a few labels).
     */
    STATUS_LIST_CAPACITY: z.coerce.number().int().min(1).max(STATUS_LIST_LENGTH).default(STATUS_LIST_LENGTH),
    /**
     * Secret: the Ed25519 seed the transparency log signs its checkpoints with (src/tlog/note.ts). A key of
     * its own, never rotated with the credentials' one: monitors and witnesses pin it. Unset, the log still
     * records every event, and /log/checkpoint answers 503 until it is set.
     */
    LOG_SIGNING_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, "LOG_SIGNING_KEY is a 32-byte Ed25519 seed written base64url (43 characters)")
      .optional(),
    /** Public keys (`z6Mk…`) the registry signed with before a rotation: their credentials keep verifying. */
    CREDENTIAL_RETIRED_KEYS: z
      .string()
      .default("")
      .transform((s) =>
        s
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(z.string().regex(/^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/, "An Ed25519 public key in Multikey form (z6Mk…)")),
      ),
    /** "on": subscriptions may POST to loopback endpoints (local development only, see the refine below). */
    NOTIFY_ALLOW_LOOPBACK_HTTP: z.enum(["on", "off"]).default("off"),
    /**
     * The back-office's sign-in in production (src/admin/session.ts): the Cloudflare Access team domain
     * (`https://<team>.cloudflareaccess.com`, the tokens' issuer, serving their keys) and the Access
     * application's audience tag. Both, or neither.
     */
    ACCESS_TEAM_DOMAIN: z
      .url({ protocol: /^https$/ })
      .transform((u) => u.replace(/\/+$/, ""))
      .optional(),
    ACCESS_AUD: z.string().min(1).max(200).optional(),
    /**
     * "on" (production only): the home page, the verification pages and the guides are offered to search
     * engines (no `noindex`; /robots.txt allows them and names /sitemap.xml). "off" (dev, previews):
     * every page says `noindex` and /robots.txt disallows everything. The back-office never is.
     */
    SEARCH_ENGINE_INDEXING: z.enum(["on", "off"]).default("off"),
    /** What of the quality results is published (src/domain/publication.ts): JSON, checked here. */
    PUBLICATION_POLICY: PolicyText.optional().transform((p) => p ?? DEFAULT_POLICY),
    /** "on": /admin/login accepts ADMIN_TOKEN or an API key (local dev only; never with Access). */
    BACKOFFICE_DEV_LOGIN: z.enum(["on", "off"]).default("off"),
    /** Milliseconds a public read may wait for D1 before answering from the last known facts (ADR 0010). */
    D1_READ_BUDGET_MS: z.coerce.number().int().min(50).max(30_000).default(1500),
    /** Hours past which the last known facts are too old to be shown (then « vérification indisponible »). */
    LAST_KNOWN_MAX_AGE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(90 * 24)
      .default(168),
    /** "on": POST /dev/faults can make D1 fail for a while (the load run's outage; local dev only). */
    DEV_FAULTS: z.enum(["on", "off"]).default("off"),
  })
  .refine((e) => !e.ACCESS_TEAM_DOMAIN === !e.ACCESS_AUD, {
    message: "ACCESS_TEAM_DOMAIN and ACCESS_AUD go together",
    path: ["ACCESS_AUD"],
  })
  // Two ways in would make the weaker one the way in: a Worker behind Access must not open /admin/login.
  .refine((e) => !(e.ACCESS_TEAM_DOMAIN && e.BACKOFFICE_DEV_LOGIN === "on"), {
    message: "BACKOFFICE_DEV_LOGIN=on is for local dev only and cannot be on with Cloudflare Access configured",
    path: ["BACKOFFICE_DEV_LOGIN"],
  })
  .refine((e) => !e.CLOUDFLARE_ZONE_ID === !e.CLOUDFLARE_PURGE_TOKEN, {
    message: "CLOUDFLARE_ZONE_ID and the CLOUDFLARE_PURGE_TOKEN secret go together",
    path: ["CLOUDFLARE_PURGE_TOKEN"],
  })
  // A production registry (public base URL) never calls loopback endpoints, whatever a copied .dev.vars says.
  .refine((e) => e.NOTIFY_ALLOW_LOOPBACK_HTTP === "off" || isLoopbackHost(new URL(e.PUBLIC_BASE_URL).hostname), {
    message: "NOTIFY_ALLOW_LOOPBACK_HTTP=on is for local development: PUBLIC_BASE_URL must be on localhost",
    path: ["NOTIFY_ALLOW_LOOPBACK_HTTP"],
  })
  // A registry whose public base URL is not on loopback is a production one (there is no other sign a Worker
  // can trust): its did:web and permalinks must resolve, so `https://` and a bare origin (did:web has no port
  // nor path here; a path would make every permalink and credential id point elsewhere).
  .refine((e) => isLoopbackHost(new URL(e.PUBLIC_BASE_URL).hostname) || isProductionBaseUrl(e.PUBLIC_BASE_URL), {
    message:
      "PUBLIC_BASE_URL must be an https:// origin without path, query or fragment (e.g. https://registre.example)",
    path: ["PUBLIC_BASE_URL"],
  })
  .refine((e) => e.DEV_FAULTS === "off" || isLoopbackHost(new URL(e.PUBLIC_BASE_URL).hostname), {
    message: "DEV_FAULTS=on is for local development: PUBLIC_BASE_URL must be on localhost",
    path: ["DEV_FAULTS"],
  })
  .refine((e) => e.EMAIL_TRANSPORT !== "brevo" || e.BREVO_API_KEY, {
    message: "EMAIL_TRANSPORT=brevo needs the BREVO_API_KEY secret",
    path: ["BREVO_API_KEY"],
  });

/** An `https://` origin, nothing after it but an optional `/`. */
export function isProductionBaseUrl(raw: string): boolean {
  const u = new URL(raw);
  return (
    u.protocol === "https:" && u.pathname === "/" && !u.search && !u.hash && !raw.includes("?") && !raw.includes("#")
  );
}

export type Config = z.infer<typeof EnvSchema>;

/** The configuration's problems, one line each (for readiness), or [] when it is valid. */
export function configProblems(env: Env): string[] {
  const parsed = EnvSchema.safeParse(env);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.join(".") || "configuration"}: ${i.message}`);
}

let cached: { env: Env; config: Config } | undefined;

export function config(env: Env): Config {
  if (cached?.env === env) return cached.config;
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid Worker configuration: ${z.prettifyError(parsed.error)}`);
  }
  cached = { env, config: parsed.data };
  return parsed.data;
}
