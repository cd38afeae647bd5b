/**
 * Delivery retries: exponential backoff from 5 minutes, doubling, capped at 12 hours; after
 * MAX_ATTEMPTS the e-mail is marked `failed` (about 2½ days of trying in total).
 */
export const MAX_ATTEMPTS = 8;
const BASE_MS = 5 * 60_000;
const CAP_MS = 12 * 3_600_000;

/** Delay before the next try, after `attempts` tries have failed (attempts ≥ 1). */
export function retryDelayMs(attempts: number): number {
  return Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/** What to do after a failed try. */
export function afterFailure(
  attempts: number,
  permanent: boolean,
  now: number,
): { status: "failed" } | { status: "pending"; nextAttemptAt: string } {
  if (permanent || attempts >= MAX_ATTEMPTS) return { status: "failed" };
  return { status: "pending", nextAttemptAt: new Date(now + retryDelayMs(attempts)).toISOString() };
}
