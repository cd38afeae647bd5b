/**
 * What one leaf of the transparency log says, and its bytes. Only public facts, as the public history
 * shows them: which structure, which label, which tier, what happened, on which day. Never who did it,
 * never why (reasons stay private), never a contact. The bytes are JSON with a fixed key order and no
 * white space, so anyone can re-encode an event and find its leaf (docs/transparency-log.md).
 */

export const LOG_EVENT_TYPES = [
  "structure.registered",
  "label.awarded",
  "label.renewed",
  "label.suspended",
  "label.reinstated",
  "label.withdrawn",
  "label.expired",
] as const;
export type LogEventType = (typeof LOG_EVENT_TYPES)[number];

export type LogEntry =
  | { type: "structure.registered"; structure: string; on: string }
  | { type: Exclude<LogEventType, "structure.registered">; structure: string; label: string; tier: string; on: string };

/** Version 1 of the encoding: `{"v":1,"type":…,"structure":…[,"label":…,"tier":…],"on":"YYYY-MM-DD"}`. */
export function encodeEntry(e: LogEntry): Uint8Array {
  const ordered =
    e.type === "structure.registered"
      ? { v: 1, type: e.type, structure: e.structure, on: e.on }
      : { v: 1, type: e.type, structure: e.structure, label: e.label, tier: e.tier, on: e.on };
  return new TextEncoder().encode(JSON.stringify(ordered));
}

export function decodeEntry(bytes: Uint8Array): LogEntry & { v: 1 } {
  return JSON.parse(new TextDecoder().decode(bytes));
}
