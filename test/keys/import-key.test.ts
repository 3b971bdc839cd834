import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { hasRocaFingerprint, unusableKeyReason } from '../../src/core/keys/import-key';
import keyVectors from '../fixtures/wycheproof/json_web_key_test.json';

test('the Wycheproof ROCA key is refused with its reason', () => {
  const group = (keyVectors as unknown as { testGroups: { comment: string; public?: { keys: JWK[] } }[] }).testGroups.find(
    (g) => g.comment === 'jws_rsa_roca_key',
  );
  const key = group!.public!.keys[0]!;
  expect(unusableKeyReason(key)).toBe('RSA key with the ROCA weakness (CVE-2017-15361)');
});

test('freshly generated RSA keys have no ROCA fingerprint', () => {
  for (let i = 0; i < 8; i++) {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(hasRocaFingerprint(publicKey.export({ format: 'jwk' }).n!)).toBe(false);
  }
});

test.each([
  [{ kty: 'oct', k: 'c2VjcmV0' }, 'symmetric key'],
  [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', use: 'enc' }, 'not a signing key'],
  [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', key_ops: ['encrypt'] }, 'not a verification key'],
  [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }, 'private key published'],
  [{ kty: 'RSA', e: 'AQAB' }, 'RSA key without modulus'],
  [{ kty: 'XYZ' }, 'unsupported key type'],
])('%j is refused: %s', (jwk, why) => {
  expect(unusableKeyReason(jwk as JWK)).toBe(why);
});
