/** Vite's `?raw` imports: a file's text (test/cron-scheduled.test.ts reads wrangler.toml). */
declare module "*?raw" {
  const text: string;
  export default text;
}
