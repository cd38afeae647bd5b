#!/usr/bin/env node
// Stops at once, with the fix, when Node.js is older than the project needs (wrangler refuses
// Node < 22.12). With npm ≥ 10.8, package.json `devEngines` already stops `npm ci` and `npm run`
// before anything else; npm 10.7 and older ignore it, and this check, run first by `npm run dev`,
// `npm test` and `npm run db:reset`, stops them with the way to get Node 22. Not `engine-strict` in .npmrc: it applies
// to every dependency too, and several dev dependencies declare `^22.22.2`, so it would refuse Node
// 22.12–22.22 that runs them fine. Plain JavaScript any old Node can parse.

export const MINIMUM = [22, 12];

/** The message to print when `version` (e.g. "v20.20.2") is too old, or null when it will do. */
export function nodeProblem(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  if (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])) return null;
  return [
    `Node.js ${version} is too old: this project needs Node.js >= ${MINIMUM.join(".")} (wrangler refuses older).`,
    "Get Node 22 for this shell, without a system install (from the npm registry), then run the command again:",
    `  export PATH="$(cd / && npx -y -p node@22 -- node -p 'require("path").dirname(process.execPath)'):$PATH"`,
    "or with a version manager: `nvm install` (reads .nvmrc).",
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problem = nodeProblem(process.version);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
