/**
 * Worker entry point. The default export must be an object with both handlers: exporting the bare
 * Hono app would leave the cron triggers without a `scheduled` handler.
 */
import app from "./app";
import { scheduled } from "./scheduled";

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
