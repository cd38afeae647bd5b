/**
 * Signing with the registry's current key: a `DataIntegrityProof` with the `eddsa-rdfc-2022`
 * cryptosuite (RDF Dataset Canonicalization, then Ed25519), the suite Open Badges 3.0 conformance names.
 * Called by the effects that store credentials and status lists (src/changes/), never per request.
 * @see https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022
 */
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { issue } from "@digitalbazaar/vc";
import { didDocument, type IssuerKeys } from "./keys";
import { didDocumentFetcher, documentLoader } from "./loader";

/**
 * The signed document, its `proof` written as an array of one (the proof set OB 3.0's schema requires;
 * the proof is outside what it signs, so the array changes nothing the signature covers).
 */
export async function sign(unsigned: JsonLd, keys: IssuerKeys): Promise<JsonLd> {
  const suite = new DataIntegrityProof({ signer: keys.signing.signer(), cryptosuite });
  const signed = await issue({
    credential: unsigned,
    suite,
    documentLoader: documentLoader(didDocumentFetcher(didDocument(keys))),
  });
  return { ...signed, proof: [signed.proof] };
}
