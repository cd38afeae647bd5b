/** Schemas and responses shared by every router's OpenAPI declarations. */
import { z } from "@hono/zod-openapi";
import { PROBLEMS, type ProblemCode } from "../lib/errors";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({
      description:
        "URL of the page explaining `code` (French and English; HTML, or JSON with `Accept: application/json`)",
      example: "https://registry.example/problems/validation",
    }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: "The request does not match the schema" }),
    code: z.enum(Object.keys(PROBLEMS) as [ProblemCode, ...ProblemCode[]]).openapi({
      description:
        "Stable code of the closed set; `validation`: the request's shape; `unprocessable`: a rule refused it",
    }),
    instance: z.string().optional().openapi({ example: "/v1/structures" }),
    requestId: z
      .string()
      .optional()
      .openapi({
        description:
          "The request's id, also in the `X-Request-Id` header: send it to us when you report a problem. A " +
          "webhook answer given again to a copy keeps the id of the request that applied the delivery.",
        example: "8f2a61b7c4d3e5f9-CDG",
      }),
    errors: z
      .array(
        z.object({
          path: z.string().openapi({ example: "siret" }),
          message: z.string().openapi({ example: "SIRET check digit is wrong" }),
        }),
      )
      .optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** Error responses by status, to spread into a route's `responses`. */
export const errors = {
  400: problem("Malformed request (JSON syntax, cursor)"),
  401: problem("Missing or unknown credentials"),
  403: problem("Authenticated, but not allowed"),
  404: problem("Not found"),
  409: problem("Conflicts with the current state"),
  405: problem("The path exists, not with this method; see `Allow`"),
  413: problem("Body larger than 1 MiB"),
  415: problem("Body not sent as application/json"),
  422: problem(
    "`validation`: the request does not match the schema; `unprocessable`: a rule refused it. `errors[]` names each field",
  ),
  429: problem("Rate limited; see Retry-After"),
  500: problem("Unexpected error, logged with the request id"),
} as const;

export const pick = <K extends keyof typeof errors>(...keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, errors[k]])) as Pick<typeof errors, K>;

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { "application/json": { schema } },
});

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size (1–200)", example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "`nextCursor` of the previous page" }),
};

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null at the end" }),
    })
    .openapi(name);

export const adminSecurity = [{ bearer: [] }];

/** The answer of a public route to another spelling of its reference (src/public/serve.ts). */
export const canonicalRedirect = {
  description:
    "Another spelling of the same reference (case, percent-encoding, a badge without `.svg` or with " +
    "another image extension): `Location` holds the canonical URL. Nothing else is served under it.",
  headers: { Location: { schema: { type: "string" as const }, description: "The canonical path" } },
};
