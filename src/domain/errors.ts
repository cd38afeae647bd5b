/**
 * Errors of the registry's rules. Domain, db and service code throw these and know nothing of HTTP;
 * `src/lib/errors.ts` (`asApiError`) is the one place that maps each kind to a problem of the API.
 */
export type FieldError = { path: string; message: string };

/**
 * - `not-found`: the thing named does not exist;
 * - `conflict`: the request contradicts the current state (an invalid transition, a duplicate, a race);
 * - `forbidden`: the caller is known but a rule of the label denies it (not assigned, not habilitated…);
 * - `invalid`: well-formed, but refused by a rule (a date in the future, an incomplete evaluation…).
 */
export type DomainErrorKind = "not-found" | "conflict" | "forbidden" | "invalid";

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly errors?: FieldError[];
  /** A race lost to a concurrent write: nothing landed, and the same request may succeed if sent again. */
  readonly retry: boolean;
  constructor(kind: DomainErrorKind, message: string, errors?: FieldError[], retry = false) {
    super(message);
    this.name = "DomainError";
    this.kind = kind;
    this.errors = errors;
    this.retry = retry;
  }
}

export const notFound = (what: string) => new DomainError("not-found", `${what} not found`);
export const conflict = (detail: string, errors?: FieldError[]) => new DomainError("conflict", detail, errors);
/**
 * A write that lost a race (what it decided on changed before its batch landed): a 409 with Retry-After,
 * never stored as a webhook delivery's answer — the next copy applies it again (src/webhooks/process.ts).
 */
export const raced = (detail: string, errors?: FieldError[]) => new DomainError("conflict", detail, errors, true);
export const forbidden = (detail: string) => new DomainError("forbidden", detail);
/** A rule refused one field: `path` names it, `message` says why (`detail` defaults to the message). */
export const invalid = (path: string, message: string, detail = message) =>
  new DomainError("invalid", detail, [{ path, message }]);
