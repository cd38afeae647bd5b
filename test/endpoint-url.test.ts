import { describe, expect, it } from "vitest";
import { endpointProblem, isLoopbackHost } from "../src/domain/endpoint-url";

const prod = { allowLoopbackHttp: false };
const dev = { allowLoopbackHttp: true };

describe("endpoint rules (SSRF)", () => {
  it("accepts https:// on a public host name, with a port, path and query", () => {
    for (const url of [
      "https://portail.example/hooks",
      "https://hooks.portail.gouv.fr:8443/spp?x=1",
      "https://xn--prfecture-b4a.example/h",
    ]) {
      expect(endpointProblem(url, prod), url).toBeNull();
    }
  });

  it("refuses every IP literal, in every spelling the URL parser accepts", () => {
    for (const url of [
      "https://93.184.216.34/",
      "https://127.0.0.1/",
      "https://2130706433/",
      "https://0x7f000001/",
      "https://0177.0.0.1/",
      "https://127.1/",
      "https://10.0.0.1/",
      "https://172.16.0.1/",
      "https://192.168.1.1/",
      "https://169.254.169.254/",
      "https://[::1]/",
      "https://[fe80::1]/",
      "https://[fd12:3456::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://0.0.0.0/",
    ]) {
      expect(endpointProblem(url, prod), url).toMatch(/IP address/);
    }
  });

  it("refuses local and private names, single labels, credentials, fragments, other schemes, plain http", () => {
    expect(endpointProblem("https://localhost/", prod)).toMatch(/domain|local/);
    expect(endpointProblem("https://LOCALHOST./", prod)).toMatch(/domain|local/);
    for (const h of ["a.localhost", "nas.local", "db.internal", "router.lan", "x.home.arpa", "srv.corp", "box.home"]) {
      expect(endpointProblem(`https://${h}/`, prod), h).toMatch(/local or private/);
    }
    expect(endpointProblem("https://intranet/", prod)).toMatch(/with a domain/);
    expect(endpointProblem("https://u:p@portail.example/", prod)).toMatch(/credentials/);
    expect(endpointProblem("https://portail.example/#x", prod)).toMatch(/fragment/);
    expect(endpointProblem("http://portail.example/", prod)).toMatch(/https/);
    expect(endpointProblem("ftp://portail.example/", prod)).toMatch(/https/);
    expect(endpointProblem("not a url", prod)).toMatch(/absolute URL/);
  });

  it("refuses host names with empty labels, which slipped past the local-name and IP checks", () => {
    for (const url of [
      "https://a.localhost../",
      "https://127.0.0.1../",
      "https://portail..example/",
      "https://.portail.example/",
    ]) {
      expect(endpointProblem(url, prod), url).toMatch(/empty labels/);
      expect(endpointProblem(url, dev), url).not.toBeNull();
    }
    // One final dot is the DNS root: the name is still checked as without it.
    expect(endpointProblem("https://portail.example./", prod)).toBeNull();
    expect(endpointProblem("https://a.localhost./", prod)).toMatch(/local or private/);
  });

  it("local development allows loopback (http or https), and nothing else more", () => {
    for (const url of [
      "http://localhost:8789/hook",
      "http://127.0.0.1:8789/",
      "http://[::1]:8789/",
      "https://localhost/",
    ]) {
      expect(endpointProblem(url, dev), url).toBeNull();
      expect(endpointProblem(url, prod), url).not.toBeNull();
    }
    expect(endpointProblem("http://portail.example/", dev)).toMatch(/https/);
    expect(endpointProblem("http://10.0.0.1/", dev)).toMatch(/https/);
    expect(endpointProblem("https://192.168.0.2/", dev)).toMatch(/IP address/);
    expect(endpointProblem("ftp://localhost/", dev)).toMatch(/http/);
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("localhost.")).toBe(true);
    expect(isLoopbackHost("registre.example")).toBe(false);
  });
});
