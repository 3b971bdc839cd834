import { constants, type VerifyKeyObjectInput } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * The one table of JWS algorithms (RFC 7518 section 3, RFC 8037): which key each needs, and what
 * node:crypto needs to check it. Configuration, key import, signature checks and template signing
 * all read it.
 */
export interface AlgorithmSpec {
  /** The digest node:crypto's verify takes (null: the algorithm hashes itself, as Ed25519 does). */
  readonly digest: string | null;
  /** Exact signature length in bytes, where the algorithm fixes it (ECDSA r||s, Ed25519). */
  readonly signatureBytes?: number;
  /** Padding or encoding options for node:crypto's verify. */
  readonly verifyOptions: Omit<VerifyKeyObjectInput, 'key'>;
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** The curve the key must be on (EC and OKP). */
  readonly crv?: string;
  /** Whether template tokens and first-party sessions may be signed with it. */
  readonly signs: boolean;
}

/** PKCS#1 v1.5 is node:crypto's default padding for an RSA key: no options (which node:crypto parses on every check). */
const PKCS1 = {};
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
const P1363 = { dsaEncoding: 'ieee-p1363' as const };

export const ALGORITHMS: ReadonlyMap<string, AlgorithmSpec> = new Map<string, AlgorithmSpec>([
  ['RS256', { digest: 'sha256', verifyOptions: PKCS1, kty: 'RSA', signs: true }],
  ['RS384', { digest: 'sha384', verifyOptions: PKCS1, kty: 'RSA', signs: false }],
  ['RS512', { digest: 'sha512', verifyOptions: PKCS1, kty: 'RSA', signs: false }],
  ['PS256', { digest: 'sha256', verifyOptions: PSS, kty: 'RSA', signs: true }],
  ['PS384', { digest: 'sha384', verifyOptions: PSS, kty: 'RSA', signs: false }],
  ['PS512', { digest: 'sha512', verifyOptions: PSS, kty: 'RSA', signs: false }],
  ['ES256', { digest: 'sha256', signatureBytes: 64, verifyOptions: P1363, kty: 'EC', crv: 'P-256', signs: true }],
  ['ES384', { digest: 'sha384', signatureBytes: 96, verifyOptions: P1363, kty: 'EC', crv: 'P-384', signs: true }],
  ['ES512', { digest: 'sha512', signatureBytes: 132, verifyOptions: P1363, kty: 'EC', crv: 'P-521', signs: false }],
  ['EdDSA', { digest: null, signatureBytes: 64, verifyOptions: {}, kty: 'OKP', crv: 'Ed25519', signs: true }],
  ['Ed25519', { digest: null, signatureBytes: 64, verifyOptions: {}, kty: 'OKP', crv: 'Ed25519', signs: false }],
]);

/** Every algorithm a provider may accept: asymmetric only, never `none` or HMAC. */
export const SUPPORTED_ALGORITHMS: readonly string[] = Object.freeze([...ALGORITHMS.keys()]);

/** Whether a key's type and curve fit an algorithm: a token's alg must fit its key. */
export function keyFitsAlgorithm(jwk: Pick<JWK, 'kty' | 'crv'>, alg: string): boolean {
  const spec = ALGORITHMS.get(alg);
  return spec !== undefined && spec.kty === jwk.kty && (spec.crv === undefined || spec.crv === jwk.crv);
}

/** The algorithms a private key may sign with, in order of preference. */
export function signingAlgorithmsFor(jwk: Pick<JWK, 'kty' | 'crv'>): string[] {
  return [...ALGORITHMS].filter(([alg, spec]) => spec.signs && keyFitsAlgorithm(jwk, alg)).map(([alg]) => alg);
}
