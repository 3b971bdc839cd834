import { createPublicKey } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import { KeyLookupError, type KeySet } from './key-set.js';
import { importVerificationKey, normalisePem, unusableKeyReason } from './import-key.js';

/**
 * Keys given in configuration (Clerk's PEM `jwtKey`, or an inline JWKS): no
 * network. A single PEM key verifies any kid, as Clerk's networkless mode does.
 */
export class StaticKeySet implements KeySet {
  private readonly byKid = new Map<string, JWK>();
  private readonly all: JWK[] = [];
  private readonly anyKid: boolean;
  private readonly imported = new Map<string, Promise<CryptoKey | undefined>>();
  readonly ready = true;

  constructor(where: string, source: { pem: string } | { jwks: JSONWebKeySet }) {
    if ('pem' in source) {
      this.anyKid = true;
      this.add(where, pemToJwk(where, source.pem));
    } else {
      this.anyKid = false;
      for (const jwk of source.jwks.keys) this.add(where, jwk);
    }
    if (this.all.length === 0) throw new TypeError(`sessionguard: ${where}: no usable public key was given.`);
  }

  private add(where: string, jwk: JWK): void {
    const why = unusableKeyReason(jwk);
    if (why !== undefined) throw new TypeError(`sessionguard: ${where}: key refused (${why}).`);
    if (jwk.kid !== undefined) {
      if (this.byKid.has(jwk.kid)) throw new TypeError(`sessionguard: ${where}: duplicate kid in jwks.`);
      this.byKid.set(jwk.kid, jwk);
    }
    this.all.push(jwk);
  }

  stillUsable(): boolean {
    return true;
  }

  async warm(): Promise<boolean> {
    return true;
  }

  close(): void {}

  async getKey(kid: string | undefined, alg: string): Promise<CryptoKey> {
    const jwk = this.anyKid ? this.all[0] : kid === undefined ? (this.all.length === 1 ? this.all[0] : undefined) : this.byKid.get(kid);
    if (jwk === undefined) throw new KeyLookupError('kid_unknown');
    const cacheKey = `${this.anyKid ? '' : (kid ?? '')}\u0000${alg}`;
    let pending = this.imported.get(cacheKey);
    if (pending === undefined) {
      pending = importVerificationKey(jwk, alg);
      this.imported.set(cacheKey, pending);
    }
    const key = await pending;
    if (key === undefined) throw new KeyLookupError('alg_not_allowed');
    return key;
  }
}

/** Any SPKI PEM, however pasted, to a public JWK (so size and type checks are shared with JWKS keys). */
function pemToJwk(where: string, pem: string): JWK {
  try {
    return createPublicKey({ key: normalisePem(pem), format: 'pem' }).export({ format: 'jwk' }) as JWK;
  } catch {
    throw new TypeError(`sessionguard: ${where}: jwtKey is not a valid PEM public key.`);
  }
}
