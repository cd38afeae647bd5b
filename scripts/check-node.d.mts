/** Types of scripts/check-node.mjs, for the test that imports it. */
export const MINIMUM: readonly [number, number];
export function nodeProblem(version: string): string | null;
