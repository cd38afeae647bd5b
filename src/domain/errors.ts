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
  constructor(kind: DomainErrorKind, message: string, errors?: FieldError[]) {
    super(message);
    this.name = "DomainError";
    this.kind = kind;
    this.errors = errors;
  }
}

export const notFound = (what: string) => new DomainError("not-found", `${what} not found`);
export const conflict = (detail: string, errors?: FieldError[]) => new DomainError("conflict", detail, errors);
export const forbidden = (detail: string) => new DomainError("forbidden", detail);
/** A rule refused one field: `path` names it, `message` says why (`detail` defaults to the message). */
export const invalid = (path: string, message: string, detail = message) =>
  new DomainError("invalid", detail, [{ path, message }]);
