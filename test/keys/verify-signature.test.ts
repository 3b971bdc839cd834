/**
 * verifySignature() builds node:crypto's key input once per key: the cached input
 * must still follow the algorithm (padding, encoding) of each verification.
 */
import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { SignatureRejected, verifySignature } from '../../src/core/keys/verify-signature';
import type { KeySet } from '../../src/core/keys/key-set';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** The public key as a CryptoKey imported for RS256, as key sets import it. */
const rs256Key = (): Promise<CryptoKey> =>
  crypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);

/** A key set that hands out one CryptoKey whatever the algorithm (what no real key set does). */
function oneKeyFor(key: CryptoKey): KeySet {
  return { getKey: async () => key, keyNow: () => key, stillUsable: () => true, warm: async () => true, ready: true, close: () => undefined } as unknown as KeySet;
}

/** A compact JWS over a fixed header and payload, signed with `alg`'s padding. */
function jws(alg: 'RS256' | 'PS256', key: KeyObject = privateKey): string {
  const input = `${Buffer.from(JSON.stringify({ alg })).toString('base64url')}.${Buffer.from('{"sub":"user_01"}').toString('base64url')}`;
  const padding = alg === 'RS256' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_PSS_PADDING;
  const signature = sign('sha256', Buffer.from(input), { key, padding, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  return `${input}.${signature.toString('base64url')}`;
}

/** A token and its signature's bytes, as verifySignature() takes them. */
function signed(token: string): [string, Buffer] {
  return [token, Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')];
}

test('one key verifies RS256 and then PS256 tokens, each with its own padding', async () => {
  const keySet = oneKeyFor(await rs256Key());
  await expect(verifySignature(...signed(jws('RS256')), keySet, undefined, 'RS256')).resolves.toBeUndefined();
  await expect(verifySignature(...signed(jws('PS256')), keySet, undefined, 'PS256')).resolves.toBeUndefined();
  // And the other way round: a PKCS#1 v1.5 signature is no PSS signature.
  await expect(verifySignature(...signed(jws('RS256')), keySet, undefined, 'PS256')).rejects.toEqual(new SignatureRejected('signature_invalid'));
  await expect(verifySignature(...signed(jws('RS256')), keySet, undefined, 'RS256')).resolves.toBeUndefined();
});

test('a token signed with another key is refused with signature_invalid', async () => {
  const keySet = oneKeyFor(await rs256Key());
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  await expect(verifySignature(...signed(jws('RS256', other)), keySet, undefined, 'RS256')).rejects.toMatchObject({ reason: 'signature_invalid' });
});
