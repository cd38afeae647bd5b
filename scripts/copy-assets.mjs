#!/usr/bin/env node
// Copies the static assets that come from packages into public/, served by wrangler's [assets]: the
// DSFR's CSS, fonts, icons and favicon (public pages, /favicon.ico) and Scalar's standalone script
// (/docs works offline). Run by predev, pretest, prebuild, predeploy and .ci/run; the copy is not
// committed (public/vendor and public/favicon.ico are git-ignored), so package-lock.json pins them.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "node_modules/@gouvfr/dsfr/dist");
const to = join(root, "public/vendor/dsfr");
if (!existsSync(from)) {
  console.error("copy-assets: @gouvfr/dsfr is not installed; run npm ci");
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
// dsfr.min.css refers to fonts/ and icons/ relative to itself; the JavaScript is not copied (the page has none).
for (const f of ["dsfr.min.css", "fonts", "icons", "favicon"]) cpSync(join(from, f), join(to, f), { recursive: true });
// Browsers ask for /favicon.ico on pages that name no icon (/docs, JSON viewed in a tab): no 404 there.
cpSync(join(from, "favicon/favicon.ico"), join(root, "public/favicon.ico"));

const scalar = join(root, "public/vendor/scalar");
mkdirSync(scalar, { recursive: true });
cpSync(join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js"), join(scalar, "standalone.js"));
console.log(`copy-assets: ${to}, ${scalar}`);
