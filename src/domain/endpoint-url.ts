/**
 * Which URLs the registry may POST notifications to (the subscriber's endpoint). The registry makes
 * these requests itself, so a URL is a way to make it call somewhere (SSRF): only `https://` on a
 * public host name, never an IP literal (in any of the spellings URL parsers accept), never a name that
 * stands for this machine or a private network. In local development only, a flag allows
 * `http://` (or `https://`) to a loopback host, so a receiver on the developer's machine can be tried.
 * Pure: no DNS, no I/O (Workers cannot resolve names; their outgoing requests cannot reach private
 * networks either: docs/operators.md, SECURITY.md).
 */

export type EndpointRules = { allowLoopbackHttp: boolean };

/** Loopback hosts, as the URL parser leaves them (IPv6 in brackets). */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** A loopback host name or address (`localhost`, `127.x.x.x`, `[::1]`). */
export const isLoopbackHost = (host: string) => LOOPBACK.test(host.replace(/\.$/, ""));

/** Names that mean « this machine » or a private network, whatever DNS says. */
const PRIVATE_NAME = /(?:^|\.)(?:localhost|local|internal|intranet|lan|home|corp|private|home\.arpa)$/i;

/** The URL parser writes every IPv4 spelling (`2130706433`, `0x7f.1`, `017700000001`) as dotted decimal. */
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Why the registry must not call `raw`, or null when it may. */
export function endpointProblem(raw: string, rules: EndpointRules): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Must be an absolute URL";
  }
  if (url.username || url.password) return "Must not carry credentials (user:password@)";
  if (url.hash) return "Must not have a fragment (#…)";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  // One final dot is the root (`example.fr.`); any other empty label (`a.localhost..`, `127.0.0.1..`) is a
  // spelling that slips past the checks below while resolvers may still read it as the name without dots.
  if (!host.startsWith("[") && host.split(".").includes("")) return "Must be a host name without empty labels (..)";
  if (rules.allowLoopbackHttp && isLoopbackHost(host)) {
    return url.protocol === "http:" || url.protocol === "https:" ? null : "Must use http:// or https://";
  }
  if (url.protocol !== "https:") return "Must use https://";
  if (host.startsWith("[") || IPV4.test(host)) return "Must name a host, not an IP address";
  if (!host.includes(".")) return "Must be a public host name (with a domain)";
  if (PRIVATE_NAME.test(host)) return "Must be a public host name, not a local or private one";
  return null;
}
