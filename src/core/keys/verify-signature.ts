import { createPublicKey, KeyObject, verify, type VerifyKeyObjectInput } from 'node:crypto';
import { ALGORITHMS, type AlgorithmSpec } from './algorithms.js';
import { KeyLookupError, type KeySet } from './key-set.js';
import { MAX_TOKEN_BYTES } from '../token/decode.js';
import { viewsByLength } from '../views-by-length.js';

export type SignatureProblem = 'kid_unknown' | 'alg_not_allowed' | 'token_malformed' | 'signature_invalid';

const MESSAGES: Record<SignatureProblem, string> = {
  kid_unknown: 'The token is signed with an unknown key.',
  alg_not_allowed: "The token's algorithm does not fit its key.",
  token_malformed: 'The token is not a valid JWS.',
  signature_invalid: 'The token signature is not valid.',
};

/** The signature of a token does not verify with the provider's keys (a 401 for the caller). */
export class SignatureRejected extends Error {
  constructor(readonly reason: SignatureProblem) {
    super(MESSAGES[reason]);
  }
}

/**
 * Keys are imported (and checked against the algorithm) by jose; verification runs synchronously
 * in OpenSSL. A CryptoKey is imported for one algorithm, so its node:crypto input (the KeyObject
 * with that algorithm's padding or encoding) is built once, not per token.
 */
const verifyInputs = new WeakMap<CryptoKey, { parameters: AlgorithmSpec; input: KeyObject | VerifyKeyObjectInput }>();

/** The last key's input, checked before the map: one provider's tokens name one key, mostly. */
let lastVerifyInput: { key: CryptoKey; parameters: AlgorithmSpec; input: KeyObject | VerifyKeyObjectInput } | undefined;

function verifyInputFor(key: CryptoKey, parameters: AlgorithmSpec): KeyObject | VerifyKeyObjectInput {
  const last = lastVerifyInput;
  if (last !== undefined && last.key === key && last.parameters === parameters) return last.input;
  const input = importedVerifyInput(key, parameters);
  lastVerifyInput = { key, parameters, input };
  return input;
}

function importedVerifyInput(key: CryptoKey, parameters: AlgorithmSpec): KeyObject | VerifyKeyObjectInput {
  const known = verifyInputs.get(key);
  // Checked all the same: a key reused for another algorithm must not keep the first one's padding.
  if (known !== undefined && known.parameters === parameters) return known.input;
  // Read back from its DER: a key decoded by OpenSSL itself is checked faster than one built from a JWK's numbers.
  const keyObject = createPublicKey({ key: KeyObject.from(key).export({ format: 'der', type: 'spki' }), format: 'der', type: 'spki' });
  // The KeyObject alone where the algorithm needs no options (RSA PKCS#1 v1.5, Ed25519): node:crypto reads it faster.
  const input = Object.keys(parameters.verifyOptions).length === 0 ? keyObject : { key: keyObject, ...parameters.verifyOptions };
  verifyInputs.set(key, { parameters, input });
  return input;
}

/** The algorithm's parameters, or SignatureRejected: the one table says which algorithms there are. */
function parametersOf(alg: string): AlgorithmSpec {
  const parameters = ALGORITHMS.get(alg);
  if (parameters === undefined) throw new SignatureRejected('alg_not_allowed');
  return parameters;
}

/** SignatureRejected when the signature's length cannot be the algorithm's. */
function checkSignatureLength(signature: Uint8Array, parameters: AlgorithmSpec): void {
  if (parameters.signatureBytes !== undefined && signature.length !== parameters.signatureBytes) throw new SignatureRejected('signature_invalid');
}

/**
 * The signing input of a check on the event loop is written here: OpenSSL has read it before
 * verify() returns, so one buffer serves every token. (A check on the thread pool gets its own.)
 */
const signingInputs = Buffer.allocUnsafe(MAX_TOKEN_BYTES);

const signingInputOfLength = viewsByLength(signingInputs);

/**
 * Where the signing input ends: before the last segment, which is the canonical base64url of
 * `signature` (see decodeToken), so its length is known. (lastIndexOf('.') scans the signature
 * back one character at a time: it cost each cache miss more than this whole function.)
 */
function signingInputLength(token: string, signature: Uint8Array): number {
  return token.length - Math.ceil((signature.length * 4) / 3) - 1;
}

/** The check itself, on the event loop; throws SignatureRejected. */
function checkSignature(token: string, signature: Uint8Array, key: CryptoKey, parameters: AlgorithmSpec): void {
  checkSignatureLength(signature, parameters);
  // The token is ASCII (checkTokenShape, then decodeToken's decodedFully): its characters are its bytes.
  const data = signingInputOfLength(signingInputs.write(token, 0, signingInputLength(token, signature), 'latin1'));
  let valid: boolean;
  try {
    valid = verify(parameters.digest, data, verifyInputFor(key, parameters), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new SignatureRejected('signature_invalid');
}

/** The same check on libuv's thread pool (see SignatureOffload for when). */
async function checkSignatureOnThreadPool(token: string, signature: Uint8Array, key: CryptoKey, parameters: AlgorithmSpec): Promise<void> {
  checkSignatureLength(signature, parameters);
  const data = Buffer.from(token.slice(0, signingInputLength(token, signature)), 'latin1');
  const valid = await new Promise<boolean>((resolve) => {
    try {
      verify(parameters.digest, data, verifyInputFor(key, parameters), signature, (error, result) => resolve(error === null && result));
    } catch {
      resolve(false);
    }
  });
  if (!valid) throw new SignatureRejected('signature_invalid');
}

/**
 * Verifies a shape-checked compact JWS, its signature decoded (see decodeToken), with the key a
 * provider's key set holds for `(kid, alg)`, allowing only that one algorithm. Throws SignatureRejected,
 * or KeySetUnavailableError when keys can't be had.
 *
 * The signature check is node:crypto's one-shot `verify` rather than WebCrypto:
 * the same OpenSSL primitive without a thread-pool round trip per token (about
 * 4x cheaper for RS256, 2x for ES256 in `npm run bench`). `onThreadPool` runs
 * the same check on libuv's thread pool instead, for a busy server.
 */
export async function verifySignature(token: string, signature: Uint8Array, keySet: KeySet, kid: string | undefined, alg: string, onThreadPool = false): Promise<void> {
  const parameters = parametersOf(alg);
  let key: CryptoKey;
  try {
    key = await keySet.getKey(kid, alg);
  } catch (error) {
    if (error instanceof KeyLookupError) throw new SignatureRejected(error.reason);
    throw error;
  }
  if (onThreadPool) await checkSignatureOnThreadPool(token, signature, key, parameters);
  else checkSignature(token, signature, key, parameters);
}

/**
 * verifySignature() without a promise, when the key set holds the key imported and usable:
 * true once the signature is checked (it throws SignatureRejected when it is not valid), false
 * when the key is not in hand (then await verifySignature()).
 */
export function verifySignatureNow(token: string, signature: Uint8Array, keySet: KeySet, kid: string | undefined, alg: string, now?: number): boolean {
  const parameters = parametersOf(alg);
  const key = keySet.keyNow(kid, alg, now);
  if (key === undefined) return false;
  checkSignature(token, signature, key, parameters);
  return true;
}
