import { compactVerify } from 'jose';
import { KeyLookupError, type KeySet } from './key-set.js';

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
 * Verifies a shape-checked compact JWS with the key a provider's key set holds
 * for `(kid, alg)`, allowing only that one algorithm. Throws SignatureRejected,
 * or KeySetUnavailableError when keys can't be had.
 */
export async function verifySignature(token: string, keySet: KeySet, kid: string | undefined, alg: string): Promise<void> {
  let key: CryptoKey;
  try {
    key = await keySet.getKey(kid, alg);
  } catch (error) {
    if (error instanceof KeyLookupError) throw new SignatureRejected(error.reason);
    throw error;
  }
  try {
    await compactVerify(token, key, { algorithms: [alg] });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new SignatureRejected(code === 'ERR_JWS_INVALID' ? 'token_malformed' : 'signature_invalid');
  }
}
