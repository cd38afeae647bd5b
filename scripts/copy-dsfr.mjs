#!/usr/bin/env node
// Copies the DSFR's CSS, fonts and icons from node_modules/@gouvfr/dsfr/dist to public/vendor/dsfr,
// served by wrangler's [assets]. Run by predev, pretest, prebuild and .ci/run; the copy is not
// committed (public/vendor is git-ignored), so the version is the one package-lock.json pins.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "node_modules/@gouvfr/dsfr/dist");
const to = join(root, "public/vendor/dsfr");
if (!existsSync(from)) {
  console.error("copy-dsfr: @gouvfr/dsfr is not installed; run npm ci");
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
// dsfr.min.css refers to fonts/ and icons/ relative to itself; the JavaScript is not copied (the page has none).
for (const f of ["dsfr.min.css", "fonts", "icons", "favicon"]) cpSync(join(from, f), join(to, f), { recursive: true });
console.log(`copy-dsfr: ${to}`);
