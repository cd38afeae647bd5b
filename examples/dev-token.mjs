// The admin token of a local `npm run dev`: ADMIN_TOKEN from the environment, else the one `npm run dev`
// generated for this machine in .dev.vars (each machine has its own; there is no shared default).
import { readFileSync } from "node:fs";

export function adminTokenOfDev() {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  let vars = "";
  try {
    vars = readFileSync(new URL("../.dev.vars", import.meta.url), "utf8");
  } catch {
    throw new Error("No ADMIN_TOKEN: set it, or run `npm run dev` once (it writes .dev.vars)");
  }
  const token = vars.match(/^ADMIN_TOKEN=(.+)$/m)?.[1]?.trim();
  if (!token) throw new Error("No ADMIN_TOKEN in .dev.vars: run `npm run dev` once");
  return token;
}
