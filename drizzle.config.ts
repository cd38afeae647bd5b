import { defineConfig } from "drizzle-kit";

// Generates flat migrations/NNNN_name.sql files, the layout `wrangler d1 migrations apply`
// and the test helper `readD1Migrations` read. drizzle-kit 1.0 writes nested folders: stay on 0.31.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
