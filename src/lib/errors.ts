/**
 * The closed set of problems the API answers, in RFC 9457 form. Every 4xx/5xx goes through here
 * (see `onError` in app.ts), so clients meet one shape for validation and domain errors alike.
 * Each code has a page at `type` (`/problems/{code}`, src/routes/problems.tsx) saying what it means,
 * its usual causes and what to do; every problem carries the `requestId` of its request.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type DomainErrorKind, type FieldError } from "../domain/errors";
import { currentRequestId } from "./trace";

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
  unavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

/**
 * The code of each status the app answers with, for errors that carry only a status (Hono's own
 * `HTTPException`, e.g. 400 for malformed JSON). Typed over every status of `PROBLEMS`, so a code
 * with a new status cannot be added without its row; 422 is `validation`, the only 422 Hono raises.
 */
export const PROBLEM_FOR_STATUS = {
  400: "bad-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  409: "conflict",
  413: "payload-too-large",
  415: "unsupported-media-type",
  422: "validation",
  429: "rate-limited",
  500: "internal",
  503: "unavailable",
} as const satisfies Record<(typeof PROBLEMS)[ProblemCode]["status"], ProblemCode>;

export type Problem = {
  /** Absolute URL of the code's page: `{PUBLIC_BASE_URL}/problems/{code}`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: FieldError[];
  instance?: string;
  /** The request's id, as in the `X-Request-Id` header and the logs (src/lib/trace.ts). */
  requestId?: string;
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

/** The page explaining `code`, under the registry's public base URL. */
export const problemType = (code: ProblemCode, base: string) => `${base.replace(/\/+$/, "")}/problems/${code}`;

/** `base`: PUBLIC_BASE_URL; `instance`: the path the problem is about. */
export function toProblem(err: ApiError, where: { base: string; instance?: string }): Problem {
  const { status, title } = PROBLEMS[err.code];
  const requestId = currentRequestId();
  return {
    type: problemType(err.code, where.base),
    title,
    status,
    detail: err.message,
    code: err.code,
    ...(err.errors ? { errors: err.errors } : {}),
    ...(where.instance ? { instance: where.instance } : {}),
    ...(requestId ? { requestId } : {}),
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

/**
 * An error a client can be told about, as an ApiError; null for anything else (a bug, an outage, and
 * any status without a row in PROBLEM_FOR_STATUS: to be logged and answered 500, then given a row).
 */
export function asApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) {
    return new ApiError(DOMAIN_PROBLEMS[err.kind], err.message, { errors: err.errors });
  }
  if (err instanceof HTTPException && err.status < 500 && err.status in PROBLEM_FOR_STATUS) {
    const code = PROBLEM_FOR_STATUS[err.status as keyof typeof PROBLEM_FOR_STATUS];
    return new ApiError(code, err.message || PROBLEMS[code].title);
  }
  return null;
}
