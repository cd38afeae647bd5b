/**
 * The Node check that `npm run dev`, `npm test` and `npm run db:reset` run first (scripts/check-node.mjs),
 * given fake versions. (`npm ci` itself stops on package.json's `devEngines`: see docs/contributing.md.)
 */
import { describe, expect, it } from "vitest";
import pkg from "../package.json";
import { MINIMUM, nodeProblem } from "../scripts/check-node.mjs";

describe("Node version check", () => {
  it.each(["v22.12.0", "v22.23.3", "v24.1.0", "v26.0.0"])("%s will do", (v) => {
    expect(nodeProblem(v)).toBeNull();
  });

  it.each(["v20.20.2", "v22.11.0", "v18.19.0", "v21.7.3"])("%s stops, naming the fix", (v) => {
    const message = nodeProblem(v)!;
    expect(message).toContain(`Node.js ${v} is too old`);
    expect(message).toContain(">= 22.12");
    // One way to get Node 22 with no system install, ready to paste.
    expect(message).toContain("npx -y -p node@22");
    expect(message).toContain("nvm install");
  });

  it("asks for the version package.json declares, to npm too", () => {
    expect(pkg.engines.node).toBe(`>=${MINIMUM.join(".")}`);
    expect(pkg.devEngines.runtime).toEqual({ name: "node", version: `>=${MINIMUM.join(".")}`, onFail: "error" });
    for (const script of ["predev", "pretest", "predb:reset"] as const) {
      expect(pkg.scripts[script], script).toMatch(/^node scripts\/check-node\.mjs( &&|$)/);
    }
  });
});
