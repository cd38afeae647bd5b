/// <reference types="vite/client" />
/**
 * The docs agree with the code where a claim is checkable: every local-server address quoted in the
 * README and docs/ (`http://localhost:8787/…`, `$API/…`) is a path the Worker routes (or a static asset),
 * the commands that must be run in order are in that order, and wrangler.toml's queues are created by the
 * deploy steps. (The browser test runs the README's first tour against the demo data.)
 */
import { describe, expect, it } from "vitest";
import app from "../src/app";
import { allowedMethods } from "../src/lib/router";
import wranglerToml from "../wrangler.toml?raw";

const docs: Record<string, string> = {
  ...import.meta.glob<string>("../README.md", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob<string>("../docs/*.md", { query: "?raw", import: "default", eager: true }),
};

/** Paths quoted after the local server's address or `$API`, without query, fragment or trailing punctuation. */
function quotedPaths(text: string): string[] {
  const found = text.matchAll(/(?:https?:\/\/(?:localhost|127\.0\.0\.1):8787|\$API|\$\{API\})(\/[^\s"'`)<>\]\\]*)/g);
  return [...found]
    .map((m) => m[1]!.split(/[?#]/)[0]!.replace(/[.,;:]+$/, ""))
    .filter((p) => !p.includes("$") && !p.includes("…"));
}

describe("docs quote paths the Worker serves", () => {
  it("reads the README and every page of docs/", () => {
    expect(Object.keys(docs).length).toBeGreaterThan(10);
  });

  it("every local-server path in the README and docs/ exists in the router", () => {
    const missing: string[] = [];
    let checked = 0;
    for (const [file, text] of Object.entries(docs)) {
      for (const path of quotedPaths(text)) {
        checked++;
        // Static assets (wrangler [assets]) are served before the Worker; /cdn-cgi/ is wrangler's own (the
        // scheduled handler's local trigger, run by the browser test).
        if (path.startsWith("/vendor/") || path.startsWith("/cdn-cgi/")) continue;
        if (allowedMethods(app.routes, path).length === 0) missing.push(`${file}: ${path}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });

  it("the README's tour reads what it has just done", () => {
    const readme = docs["../README.md"]!;
    const audit = readme.indexOf("examples/send-audit.mjs");
    expect(audit).toBeGreaterThan(0);
    // send-audit.mjs audits DEMO-PREF-01: the next evaluation read is that structure's.
    expect(readme.slice(audit).match(/structures\/([A-Z0-9-]+)\/evaluation/)?.[1]).toBe("DEMO-PREF-01");
  });

  it("deploying creates every queue wrangler.toml binds", () => {
    const queues = new Set([...wranglerToml.matchAll(/^(?:queue|dead_letter_queue) = "([^"]+)"/gm)].map((m) => m[1]));
    expect(queues.size).toBeGreaterThan(0);
    const deploy = docs["../docs/operators.md"]!.split("## Deploy to Cloudflare")[1]!.split("\n## ")[0]!;
    for (const q of queues) expect(deploy, q).toContain(`wrangler queues create ${q}`);
  });
});
