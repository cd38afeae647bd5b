/**
 * The closed set of problems the API answers, in RFC 9457 form. Every 4xx/5xx goes through here
 * (see `onError` in app.ts), so clients meet one shape for validation and domain errors alike.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type DomainErrorKind, type FieldError } from "../domain/errors";

export { type FieldError, notFound } from "../domain/errors";

export const PROBLEMS = {
  "bad-request": { status: 400, title: "Bad request" },
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  "payload-too-large": { status: 413, title: "Payload too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  validation: { status: 422, title: "Validation failed" },
  unprocessable: { status: 422, title: "Unprocessable request" },
  "rate-limited": { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: FieldError[];
  instance?: string;
};

/** Thrown anywhere in a request; `onError` renders it. */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  constructor(
    code: ProblemCode,
    detail: string,
    opts: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.code = code;
    this.errors = opts.errors;
    this.headers = opts.headers;
  }
  get status(): ContentfulStatusCode {
    return PROBLEMS[this.code].status;
  }
}

export function toProblem(err: ApiError, instance?: string): Problem {
  const { status, title } = PROBLEMS[err.code];
  return {
    type: `/problems/${err.code}`,
    title,
    status,
    detail: err.message,
    code: err.code,
    ...(err.errors ? { errors: err.errors } : {}),
    ...(instance ? { instance } : {}),
  };
}

/**
 * zod issues → `errors[]` with dotted paths (`contacts.0.email`); an unknown key is reported at its
 * own path, anything about the whole body at `body`.
 */
export function fieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] }>,
  unknownKey = "Unknown field",
): FieldError[] {
  return issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === "unrecognized_keys" && i.keys) {
      return i.keys.map((k) => ({ path: [...at, k].join("."), message: unknownKey }));
    }
    return [{ path: at.join(".") || "body", message: i.message }];
  });
}

/** The problem each kind of domain error answers. */
const DOMAIN_PROBLEMS: Record<DomainErrorKind, ProblemCode> = {
  "not-found": "not-found",
  conflict: "conflict",
  forbidden: "forbidden",
  invalid: "unprocessable",
};

/** An error a client can be told about, as an ApiError; null for anything else (a bug, an outage). */
export function asApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return new ApiError(DOMAIN_PROBLEMS[err.kind], err.message, { errors: err.errors });
  return null;
}
