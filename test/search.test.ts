/**
 * Search (`q`) over structures: the admin list, the public listing and the home page's function.
 * Matches ignore case and accents and look inside names, towns, networks, typologies and codes;
 * ranking puts codes, then names, starting with `q` first; short and hostile `q` get a defined
 * answer; the full-text index stays equal to a scan of the table after creates, renames and moves.
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../src/db/client";
import { searchPublicStructures } from "../src/db/public-search";
import { structures } from "../src/db/schema";
import { fold } from "../src/lib/text";
import { makeAssignment, makeCertifier, makeLabel, makeStructure, makeStructuresInBulk } from "./factories";
import { call } from "./helpers";

type Page = { items: { code: string }[]; nextCursor: string | null };
/** Each public call from its own address: the listing's per-IP limit (300 a minute) is not under test here. */
let ip = 0;
const fromNewIp = () => ({ "CF-Connecting-IP": `198.51.${(++ip >> 8) & 255}.${ip & 255}` });
const admin = async (query: string) => {
  const r = await call("GET", `/v1/structures?${query}`);
  expect(r.status, r.text).toBe(200);
  return r.json as Page;
};
const codes = (p: Page) => p.items.map((s) => s.code);
const adminCodes = async (q: string, extra = "") => codes(await admin(`q=${encodeURIComponent(q)}&limit=200${extra}`));
const publicCodes = async (q: string, extra = "") => {
  const r = await call("GET", `/v1/public/labels?q=${encodeURIComponent(q)}&limit=200${extra}`, {
    token: null,
    headers: fromNewIp(),
  });
  expect(r.status, r.text).toBe(200);
  return (r.json.items as { structure: { code: string } }[]).map((i) => i.structure.code);
};
/** Every page of a search, `limit` at a time. */
async function allPages(q: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 50; n++) {
    const p: Page = await admin(`q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    seen.push(...codes(p));
    cursor = p.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error("more than 50 pages");
}

// One rare word, « zorglub », in every tier; `q=zorglub` reads only these structures.
const RANKED = [
  ["ZORGLUB", { name: "Accueil central", city: "Lyon" }], // 1: the code is q
  ["ZORGLUB-2", { name: "Bureau annexe", city: "Lyon" }], // 1: the code starts with q
  ["ZG-C", { name: "Zorglub", city: "Lyon" }], // 2: the name is q
  ["ZG-D", { name: "Zorglub-Ville accueil", city: "Lyon" }], // 2: the name starts with q
  ["ZG-E", { name: "Maison France services de Zorglub", city: "Lyon" }], // 3: inside the name
  ["ZG-F", { name: "Mairie", city: "Zorglub-sur-Mer" }], // 3: the town
  ["ZG-G", { name: "Mairie annexe", city: "Lyon", network: "Réseau Zorglub" }], // 3: the network
  ["ZG-H", { name: "Guichet", city: "Lyon", typology: "Accueil Zorglub" }], // 3: the typology
] as const;

beforeAll(async () => {
  // Registered in reverse, so registration order (tier 3) differs from code order.
  for (const [code, over] of [...RANKED].reverse()) await makeStructure({ code, ...over });
  await makeStructure({ code: "EV-1", name: "Caisse primaire", city: "Évry-Courcouronnes", department: "91" });
  await makeStructure({ code: "EV-2", name: "Lycée de BESANÇON", city: "Besançon", department: "25" });
  await makeStructure({ code: "PCT-1", name: "%Spécial", city: "Lyon" });
  await makeStructure({ code: "PCT-2", name: "Aspécial_x", city: "Lyon" });
  await makeStructure({ code: "PART-98765", name: "Bureau", city: "Lyon" });
  await makeStructure({ code: "LIG-1", name: "Maison de l'Œillet", city: "Lyon" });
  await makeStructure({ code: "LIG-2", name: "Cœur de ville", city: "Lyon" });
  await makeStructure({ code: "LIG-3", name: "Guichet", city: "Lyon", network: "Réseau Ex æquo" });
  await makeStructure({ code: "FW-1", name: "Ｋｉｏｓｑｕｅ ｚéphyr", city: "Lyon" });
});

describe("what q matches", () => {
  it("ignores case and accents, in names and towns", async () => {
    for (const q of ["evry", "ÉVRY", "Évry-Courcouronnes", "courcouronnes", "COURC"]) {
      expect(await adminCodes(q), q).toEqual(["EV-1"]);
    }
    for (const q of ["besancon", "Besançon", "lycée de besancon"]) expect(await adminCodes(q), q).toEqual(["EV-2"]);
  });

  it("folds the French ligatures œ and æ, on both sides of the index", async () => {
    for (const q of ["oeillet", "l'oeillet", "l'Œillet", "OEILLET", "maison de l'oeil"]) {
      expect(await adminCodes(q), q).toEqual(["LIG-1"]);
    }
    // « coeur » and « cœur » both start the folded name (tier 2) and are inside it (tier 3).
    for (const q of ["coeur", "Cœur", "COEUR DE", "ville coeur"]) expect(await adminCodes(q), q).toEqual(["LIG-2"]);
    for (const q of ["aequo", "ex æquo", "EX ÆQUO"]) expect(await adminCodes(q), q).toEqual(["LIG-3"]);
    // The home page's search box (the public read model's copy of the folded name).
    const page = await call("GET", `/verify?q=${encodeURIComponent("oeillet")}`, { token: null, headers: fromNewIp() });
    expect(page.text).toContain('href="/verify/LIG-1"');
  });

  it("folds compatibility forms: fullwidth and mathematical letters match plain ones", async () => {
    // Indexed in fullwidth letters, found in plain ones, and the other way round.
    for (const q of ["zephyr", "kiosque zéphyr", "ＺＥＰＨＹＲ", "𝐳𝐞𝐩𝐡𝐲𝐫", "𝖟𝖊𝖕𝖍𝖞𝖗"]) {
      expect(await adminCodes(q), q).toEqual(["FW-1"]);
    }
    for (const q of ["ＢＥＳＡＮＣＯＮ", "𝐛𝐞𝐬𝐚𝐧𝐜𝐨𝐧"]) expect(await adminCodes(q), q).toEqual(["EV-2"]);
    expect(fold("Ｃœｕｒ ＆ 𝐀𝐞 ﬁn")).toBe("coeur & ae fin");
  });

  it("finds a town even when the name does not hold it", async () => {
    expect(await adminCodes("sur-mer")).toEqual(["ZG-F"]);
  });

  it("needs every word, anywhere among code, name, town, network and typology", async () => {
    expect(await adminCodes("caisse evry")).toEqual(["EV-1"]);
    expect(await adminCodes("caisse besancon")).toEqual([]);
    expect(await adminCodes("zorglub mairie")).toEqual(["ZG-G", "ZG-F"]);
  });

  it("finds a code by any part of it", async () => {
    expect(await adminCodes("8765")).toEqual(["PART-98765"]);
    expect(await adminCodes("part-9876")).toEqual(["PART-98765"]);
  });
});

describe("ranking", () => {
  it("puts the code, then codes starting with q, then the name, names starting with q, then the other matches", async () => {
    // The other matches (inside the name, the town, network, typology): registration order, here the list's reverse.
    expect(await adminCodes("zorglub")).toEqual([
      "ZORGLUB",
      "ZORGLUB-2",
      "ZG-C",
      "ZG-D",
      "ZG-H",
      "ZG-G",
      "ZG-F",
      "ZG-E",
    ]);
  });

  it("pages through the tiers without losing or repeating a structure", async () => {
    const whole = await adminCodes("zorglub");
    for (const limit of [1, 2, 3, 5]) expect(await allPages("zorglub", limit), `limit ${limit}`).toEqual(whole);
  });

  it("answers 400 for a cursor of another kind, or forged", async () => {
    const listing = await admin("limit=1");
    for (const cursor of [listing.nextCursor!, "not-a-cursor", btoa('["3","x",""]'), btoa('["4","1",""]')]) {
      const r = await call("GET", `/v1/structures?q=zorglub&cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, cursor).toBe(400);
      expect(r.json.errors[0].path).toBe("cursor");
    }
  });

  it("keeps the list's filters", async () => {
    expect(await adminCodes("zorglub", "&network=Pr%C3%A9fectures")).toEqual([
      "ZORGLUB",
      "ZORGLUB-2",
      "ZG-C",
      "ZG-D",
      "ZG-H",
      "ZG-F",
      "ZG-E",
    ]);
  });
});

describe("short and hostile q", () => {
  it("below 3 characters, matches the start of a code or a name only", async () => {
    expect(await adminCodes("zo")).toEqual(["ZORGLUB", "ZORGLUB-2", "ZG-C", "ZG-D"]);
    // Codes starting with Z (code order), then names starting with z whose code did not already match.
    expect(await adminCodes("Z")).toEqual(["ZG-C", "ZG-D", "ZG-E", "ZG-F", "ZG-G", "ZG-H", "ZORGLUB", "ZORGLUB-2"]);
  });

  it("treats % and _ literally", async () => {
    // « %Spécial » starts with %; no name starts with _.
    expect(await adminCodes("%")).toEqual(["PCT-1"]);
    expect(await adminCodes("_")).toEqual([]);
    expect(await adminCodes("%sp")).toEqual(["PCT-1"]);
    // A word of q is matched inside the text; `_` separates words, it never stands for a character.
    expect(await adminCodes("a_s")).toEqual([]);
  });

  it.each([
    ['"', 200],
    ['zorglub"', 200],
    ["zorglub*", 200],
    ["^zorglub", 200],
    ["NEAR(zorglub accueil)", 200],
    ["{name}: zorglub", 200],
    ["zorglub OR 1=1", 200],
    ["zorglub' --", 200],
    ["-zorglub", 200],
    ["\u0000zorglub", 200],
    ["zor\u0000glub", 200],
    ["\u202ezorglub", 200],
    ["\u200b", 422],
    ["\u0301", 422],
    ["🇫🇷", 200],
    ["x".repeat(200), 200],
    ["é".repeat(200), 200],
    ["ab ".repeat(66), 200],
    ["zorglub ".repeat(25), 200],
    ["x".repeat(201), 422],
  ])("q=%j answers %i", async (q, status) => {
    for (const path of ["/v1/structures", "/v1/public/labels"]) {
      const r = await call("GET", `${path}?q=${encodeURIComponent(q)}`, { headers: fromNewIp() });
      expect(r.status, `${path} ${r.text}`).toBe(status);
      if (status === 422) expect(r.json.errors[0].path).toBe("q");
    }
  });

  it("answers bytes that are not UTF-8, and bad escapes, as text (2xx)", async () => {
    for (const raw of ["zorglub%ED%A0%80", "%FF%FE", "%E9vry", "%", "%%32", "zorglub%00%00"]) {
      for (const path of ["/v1/structures", "/v1/public/labels"]) {
        const r = await call("GET", `${path}?q=${raw}`, { headers: fromNewIp() });
        expect(r.status, `${path} q=${raw}: ${r.text}`).toBe(200);
      }
    }
  });

  it("finds the same structures through quotes, stars and operators", async () => {
    const plain = await adminCodes("zorglub");
    for (const q of ['zorglub"', "zorglub*", "^zorglub", "-zorglub", "zorglub OR", "\u0000zorglub"]) {
      expect(new Set(await adminCodes(q)), q).toEqual(new Set(plain));
    }
  });

  it("answers any q a client can send with a 2xx or a 4xx (fuzzed)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 220 }),
          fc.string({ unit: "grapheme", maxLength: 60 }),
          fc.string({ unit: "binary", maxLength: 60 }),
          fc
            .array(
              fc.constantFrom(
                '"',
                "*",
                "%",
                "_",
                "(",
                ")",
                ":",
                "{",
                "}",
                "^",
                "-",
                "NEAR",
                "AND",
                "OR",
                "NOT",
                " ",
                "zorglub",
                "é",
                "\u0000",
                "\\",
              ),
              { maxLength: 40 },
            )
            .map((a) => a.join("")),
        ),
        async (q) => {
          for (const path of ["/v1/structures", "/v1/public/labels"]) {
            const r = await call("GET", `${path}?q=${encodeURIComponent(q)}&limit=5`, { headers: fromNewIp() });
            expect([200, 400, 422], `${path} q=${JSON.stringify(q)}: ${r.text}`).toContain(r.status);
          }
        },
      ),
      { numRuns: Math.min(Number(env.FUZZ_RUNS), 300) },
    );
  }, 120_000);
});

describe("public search", () => {
  it("the listing searches current labels only, with its filters", async () => {
    const oc = await makeCertifier({ name: "OC Recherche" });
    await makeAssignment("ZG-E", oc.id);
    await makeAssignment("ZG-F", oc.id);
    await makeLabel({ structureCode: "ZG-E", certifierId: oc.id, tier: "or" });
    await makeLabel({ structureCode: "ZG-F", certifierId: oc.id, tier: "bronze", status: "suspended" });
    expect(await publicCodes("zorglub")).toEqual(["ZG-F", "ZG-E"]);
    expect(await publicCodes("zorglub", "&status=suspended")).toEqual(["ZG-F"]);
    expect(await publicCodes("zorglub", "&tier=or")).toEqual(["ZG-E"]);
  });

  it("the home page's function returns every structure, labelled or not, as public rows", async () => {
    const rows = await searchPublicStructures(getDb(env.DB), "zorglub", 3);
    expect(rows.map((r) => r.code)).toEqual(["ZORGLUB", "ZORGLUB-2", "ZG-C"]);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      [
        "auditFunded",
        "awardedOn",
        "certifierName",
        "city",
        "code",
        "department",
        "expiresOn",
        "labelNumber",
        "name",
        "network",
        "results",
        "status",
        "supersededBy",
        "tier",
      ].sort(),
    );
    await expect(searchPublicStructures(getDb(env.DB), "\u200b", 3)).rejects.toMatchObject({
      kind: "invalid",
      errors: [{ path: "q" }],
    });
  });
});

describe("the index stays equal to a scan of structures", () => {
  const TOWNS = ["Nîmes", "Évry-Courcouronnes", "Besançon", "Saint-Étienne", "Angoulême", "L'Haÿ-les-Roses", "Orléans"];
  const KINDS = ["Caisse d'allocations familiales", "Préfecture", "Lycée Jean-Moulin", "Mairie", "Œuvre sociale"];
  const NETWORKS = ["CAF", "Préfectures", "Éducation nationale", "Communes"];
  const N = 2_500;

  /** Codes matching every word of q (≥ 3 characters each) in one of the searched fields: the scan. */
  async function scan(q: string) {
    const words = fold(q)
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => [...w].length >= 3);
    const rows = await getDb(env.DB).select().from(structures);
    return rows
      .filter((s) => {
        const fields = [s.code, s.name, s.city, s.network, s.typology ?? ""].map(fold);
        return words.every((w) => fields.some((f) => f.includes(w)));
      })
      .map((s) => s.code)
      .sort();
  }
  const searched = async (q: string) => (await allPages(q, 200)).sort();

  it("after bulk writes, creates, renames and moves", async () => {
    // A few thousand structures, written with the statements production writes them with.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const all = Array.from({ length: N }, (_, i) => {
      const town = TOWNS[rand(TOWNS.length)]!;
      return {
        code: `SCAN-${String(i).padStart(5, "0")}`,
        name: `${KINDS[rand(KINDS.length)]} de ${town} n° ${i}`,
        network: NETWORKS[rand(NETWORKS.length)]!,
        typology: rand(3) ? "Accueil physique" : undefined,
        category: "collectivite_territoriale" as const,
        postcode: "30000",
        city: town,
        department: "30",
        contacts: [{ email: `qualite-${i}@scan.example` }],
      };
    });
    await makeStructuresInBulk(all);
    const QUERIES = [
      "nimes",
      "évry",
      "EVRY",
      "besancon",
      "sain",
      "ourc",
      "haÿ",
      "lycee moulin",
      "œuvre",
      "caf nimes",
      "scan-0012",
      "00042",
      "physique",
      "éducation",
      "n° 999",
    ];
    for (const q of QUERIES) expect(await searched(q), q).toEqual(await scan(q));

    // Through the API: creates, renames (name), moves (town) and a new network.
    await makeStructure({ code: "SCAN-NEW-1", name: "Maison France services", city: "Nîmes" });
    await makeStructure({ code: "SCAN-NEW-2", name: "Lycée Jean-Moulin", city: "Besançon" });
    for (const [code, body] of [
      ["SCAN-00001", { name: "Agence France Travail" }],
      ["SCAN-00002", { city: "Orléans", postcode: "45000", department: "45" }],
      ["SCAN-00003", { network: "France Travail", typology: "Accueil téléphonique" }],
      ["SCAN-00004", { name: "Préfecture du Loiret", city: "Orléans", postcode: "45000", department: "45" }],
    ] as const) {
      const r = await call("PATCH", `/v1/structures/${code}`, { body });
      expect(r.status, r.text).toBe(200);
    }
    for (const q of [...QUERIES, "france travail", "telephonique", "loiret", "orleans", "maison france"]) {
      expect(await searched(q), q).toEqual(await scan(q));
    }
    // The old name and town are gone from the index.
    expect(await adminCodes("agence france")).toContain("SCAN-00001");
    const integrity = await env.DB.prepare(
      "INSERT INTO structures_search (structures_search) VALUES ('integrity-check')",
    ).run();
    expect(integrity.success).toBe(true);
    const [{ indexed, total }] = (
      await env.DB.prepare(
        "SELECT (SELECT count(*) FROM structures_search) AS indexed, (SELECT count(*) FROM structures) AS total",
      ).all<{ indexed: number; total: number }>()
    ).results as [{ indexed: number; total: number }];
    expect(indexed).toBe(total);
  }, 120_000);
});
