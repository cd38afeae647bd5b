/**
 * Prints, at the end of every run, how many responses the tests held against /openapi.json (each
 * test file records its count in its meta; see test/setup.ts). Runs in Node, in vitest's process.
 */
import type { Reporter, TestModule } from "vitest/node";

export default class OpenApiConformanceReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    let responses = 0;
    let files = 0;
    for (const m of modules) {
      const n = m.meta().openapiResponsesChecked;
      if (typeof n === "number" && n > 0) {
        responses += n;
        files++;
      }
    }
    console.log(`OpenAPI conformance: ${responses} responses checked against /openapi.json in ${files} test files`);
  }
}
