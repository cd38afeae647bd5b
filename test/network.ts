/**
 * The outside world for tests (an e-mail provider, Cloudflare's purge API, subscribers' endpoints,
 * Access's keys), mocked with MSW. `setupServer` from "msw/node" cannot load in workerd (its http
 * interceptor reads a .wasm file from disk). The Worker only calls the global `fetch`, so MSW's network
 * API with the fetch interceptor alone does the same job: it patches `globalThis.fetch` in this isolate,
 * where the Worker runs. A request nobody handles fails the test (`onUnhandledFrame: "error"`).
 */
import { FetchInterceptor } from "@mswjs/interceptors/fetch/web";
import { defineNetwork, InterceptorSource } from "msw/experimental";
import { afterAll, afterEach, beforeAll } from "vitest";

type Handlers = NonNullable<Parameters<typeof defineNetwork>[0]["handlers"]>;

/**
 * The mocked network of the file (or `describe`) that calls it: on before its tests, off after them,
 * handlers added by a test (`network.use`) removed after it. `handlers` stay for every test; `quiet`
 * silences MSW's own console lines.
 */
export function mockNetwork(handlers?: Handlers, opts: { quiet?: boolean } = {}) {
  const network = defineNetwork({
    // `as never`: the web build's .d.ts declares its own copy of the Interceptor class; same class at runtime.
    sources: [new InterceptorSource({ interceptors: [new FetchInterceptor() as never] })],
    ...(handlers ? { handlers } : {}),
    onUnhandledFrame: "error",
    ...(opts.quiet ? { context: { quiet: true } } : {}),
  });
  beforeAll(() => network.enable());
  afterEach(() => network.resetHandlers());
  afterAll(() => network.disable());
  return network;
}
