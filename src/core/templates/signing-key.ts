import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, type JsonWebKey } from 'node:crypto';
import type { PublicJwk } from '../jwk.js';
import { sha256 } from '../hash.js';
import { signingAlgorithmsFor } from '../keys/algorithms.js';

/** Algorithms the identity service signs template tokens with. */
export type SigningAlgorithm = 'ES256' | 'ES384' | 'EdDSA' | 'RS256' | 'PS256';

/** A private JSON Web Key: the public members plus `d`. */
export type PrivateJwk = PublicJwk & { d: string };

/** A private key given in configuration: a KeyObject, a PKCS#8 PEM, or a private JWK. */
export interface SigningKeyInput {
  privateKey: KeyObject | string | PrivateJwk;
  /** Key id in the header and the JWKS (default: the key's RFC 7638 thumbprint). */
  kid?: string;
  /** Default: from the key (P-256 → ES256, P-384 → ES384, Ed25519 → EdDSA, RSA → RS256). */
  alg?: SigningAlgorithm;
}

/** A private signing key with its published public half. */
export interface SigningKey {
  readonly alg: SigningAlgorithm;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: Readonly<PublicJwk>;
}

/** `where` names the configuration a key error is about: tokenTemplates() or the sessions' signingKeys. */
function fail(where: string, message: string): never {
  throw new TypeError(`sessionguard: ${where}: ${message}`);
}

/** RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order. */
function thumbprint(jwk: PublicJwk): string {
  const members = jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x'];
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return sha256(canonical, 'base64url');
}

function toPrivateKey(input: KeyObject | string | PrivateJwk, where: string): KeyObject {
  try {
    if (typeof input === 'string') return createPrivateKey({ key: input.replace(/\\n/g, '\n'), format: 'pem' });
    if (input instanceof KeyObject) {
      if (input.type !== 'private') fail(where, 'signingKey.privateKey must be a private key.');
      return input;
    }
    return createPrivateKey({ key: input as JsonWebKey, format: 'jwk' });
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('sessionguard:')) throw error;
    return fail(where, 'signingKey.privateKey is not a valid private key (PKCS#8 PEM, private JWK or KeyObject).');
  }
}

function publicJwkOf(privateKey: KeyObject): PublicJwk {
  return createPublicKey(privateKey).export({ format: 'jwk' }) as PublicJwk;
}

/** Imports the configured key, or generates a fresh one for `alg` (its public half is published in the JWKS). */
export function loadSigningKey(input: SigningKeyInput | undefined, generateAlg: SigningAlgorithm, where = 'tokenTemplates()'): SigningKey {
  let privateKey: KeyObject;
  let alg: SigningAlgorithm | undefined = input?.alg;
  if (input === undefined) {
    alg = generateAlg;
    if (generateAlg === 'ES256') privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    else if (generateAlg === 'ES384') privateKey = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    else if (generateAlg === 'EdDSA') privateKey = generateKeyPairSync('ed25519').privateKey;
    else if (generateAlg === 'RS256' || generateAlg === 'PS256') privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    else return fail(where, `alg must be one of ES256, ES384, EdDSA, RS256, PS256 (got "${String(generateAlg)}").`);
  } else {
    if (typeof input !== 'object' || input === null) fail(where, 'signingKey must be { privateKey, kid?, alg? }.');
    privateKey = toPrivateKey(input.privateKey, where);
  }
  const jwk = publicJwkOf(privateKey);
  const usable = signingAlgorithmsFor(jwk) as SigningAlgorithm[];
  if (usable.length === 0) fail(where, 'the signing key must be an EC P-256/P-384, Ed25519 or RSA key.');
  alg ??= usable[0]!;
  if (!usable.includes(alg)) fail(where, `a ${jwk.kty} ${jwk.crv ?? ''} key cannot sign ${alg}.`);
  if (jwk.kty === 'RSA' && Buffer.from(jwk.n ?? '', 'base64url').length < 256) fail(where, 'RSA signing keys must have at least 2048 bits.');
  const kid = input?.kid ?? thumbprint(jwk);
  if (typeof kid !== 'string' || kid === '') fail(where, 'signingKey.kid must be a non-empty string.');
  return Object.freeze({ alg, kid, privateKey, publicJwk: Object.freeze({ ...jwk, kid, alg, use: 'sig' }) });
}
