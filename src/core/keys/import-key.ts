import { importJWK, type JWK } from 'jose';
import { keyFitsAlgorithm } from './algorithms.js';

export const MIN_RSA_BITS = 2048;

/** Why a published key is not usable for signatures, or undefined when it is. */
export function unusableKeyReason(jwk: JWK): string | undefined {
  if (typeof jwk !== 'object' || jwk === null) return 'not an object';
  if (jwk.kty === 'oct') return 'symmetric key';
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') return 'unsupported key type';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'not a signing key';
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return 'not a verification key';
  if (jwk.d !== undefined) return 'private key published';
  if (jwk.kty === 'RSA') {
    if (typeof jwk.n !== 'string') return 'RSA key without modulus';
    const bits = modulusBits(jwk.n);
    if (bits < MIN_RSA_BITS) return `RSA key of ${bits} bits (at least ${MIN_RSA_BITS} required)`;
    if (hasRocaFingerprint(jwk.n)) return 'RSA key with the ROCA weakness (CVE-2017-15361)';
  }
  return undefined;
}

function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start] as number));
}

/**
 * Primes whose residues reveal a modulus made by the Infineon RSA library
 * (ROCA, CVE-2017-15361): such a modulus is, mod every one of these primes, a
 * power of 65537. A random modulus passes all of them with negligible odds.
 */
const ROCA_PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127,
  131, 137, 139, 149, 151, 157, 163, 167,
];
const ROCA_SUBGROUPS = ROCA_PRIMES.map((prime) => {
  const powers = new Set<number>();
  for (let value = 1; !powers.has(value); value = (value * (65537 % prime)) % prime) powers.add(value);
  return powers;
});

export function hasRocaFingerprint(modulus: string): boolean {
  const n = BigInt(`0x${Buffer.from(modulus, 'base64url').toString('hex') || '0'}`);
  return ROCA_PRIMES.every((prime, i) => ROCA_SUBGROUPS[i]!.has(Number(n % BigInt(prime))));
}

/**
 * Imports a published JWK for one algorithm. Returns undefined when the key
 * can't serve that algorithm (wrong type, curve or declared `alg`).
 */
export async function importVerificationKey(jwk: JWK, alg: string): Promise<CryptoKey | undefined> {
  if (jwk.alg !== undefined && jwk.alg !== alg) return undefined;
  if (!keyFitsAlgorithm(jwk, alg)) return undefined;
  try {
    // Import only the public members: a stray `d` or `ext` must not change what we hold.
    const { kty, n, e, crv, x, y } = jwk;
    const publicJwk: JWK = { kty, n, e, crv, x, y };
    for (const key of Object.keys(publicJwk) as (keyof JWK)[]) if (publicJwk[key] === undefined) delete publicJwk[key];
    return (await importJWK(publicJwk, alg)) as CryptoKey;
  } catch {
    return undefined;
  }
}

/** Normalises a PEM however it was pasted (one line, escaped newlines, CRLF, stray spaces). */
export function normalisePem(pem: string): string {
  const body = pem
    .replace(/\\n/g, '\n')
    .replace(/-----BEGIN PUBLIC KEY-----|-----END PUBLIC KEY-----/g, '')
    .replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}
