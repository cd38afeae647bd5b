/**
 * The Worker's configuration, checked once per isolate: a missing secret or a malformed variable
 * fails loudly at the first request instead of misbehaving later.
 */
import { z } from "zod";

const EnvSchema = z.object({
  ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN must be at least 16 characters"),
  PUBLIC_BASE_URL: z.url(),
  WEBHOOK_SECRET_GRACE_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 30),
});

export type Config = z.infer<typeof EnvSchema>;

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
