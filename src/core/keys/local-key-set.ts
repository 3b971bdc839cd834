import { createPublicKey } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import { KeyLookupError, type KeySet } from './key-set.js';
import { importVerificationKey, normalisePem, unusableKeyReason } from './import-key.js';

/** A key's import for one algorithm: under way, then its key (undefined when the key can't serve the algorithm). */
interface KeyImport {
  pending: Promise<CryptoKey | undefined>;
  key: CryptoKey | undefined;
}

/**
 * Keys held in memory: looked up by kid, imported once per key and algorithm. Keys given in
 * configuration (Clerk's PEM `jwtKey`, or an inline JWKS) are one; a JWKS key set holds one for
 * each document it fetched. A single PEM key verifies any kid, as Clerk's networkless mode does.
 */
export class LocalKeySet implements KeySet {
  private readonly byKid = new Map<string, JWK>();
  /** Every key, with or without a kid: one without a kid is usable only when it is the only key. */
  readonly all: readonly JWK[];
  /**
   * One import per key and algorithm, by kid then algorithm (no string built per lookup); `key` is
   * set once the import succeeded, for keyNow(). A single PEM key answers any kid: its imports are under ''.
   */
  private readonly imports = new Map<string, Map<string, KeyImport>>();
  readonly ready = true;
  private lastKeyNow: { kid: string | undefined; alg: string; key: CryptoKey } | undefined;

  /** `keys` are already checked (unusableKeyReason) and have distinct kids. */
  constructor(keys: readonly JWK[], private readonly anyKid = false) {
    this.all = keys;
    for (const jwk of keys) if (jwk.kid !== undefined) this.byKid.set(jwk.kid, jwk);
  }

  /** Keys from configuration: a refused key, a duplicate kid or no key at all fails at start-up. */
  static fromConfig(where: string, source: { pem: string } | { jwks: JSONWebKeySet }): LocalKeySet {
    const keys = 'pem' in source ? [pemToJwk(where, source.pem)] : source.jwks.keys;
    const kids = new Set<string>();
    for (const jwk of keys) {
      const why = unusableKeyReason(jwk);
      if (why !== undefined) throw new TypeError(`sessionguard: ${where}: key refused (${why}).`);
      if (jwk.kid !== undefined && kids.has(jwk.kid)) throw new TypeError(`sessionguard: ${where}: duplicate kid in jwks.`);
      if (jwk.kid !== undefined) kids.add(jwk.kid);
    }
    if (keys.length === 0) throw new TypeError(`sessionguard: ${where}: no usable public key was given.`);
    return new LocalKeySet(keys, 'pem' in source);
  }

  /** The key a token's kid names, or undefined. */
  find(kid: string | undefined): JWK | undefined {
    if (this.anyKid) return this.all[0];
    if (kid === undefined) return this.all.length === 1 ? this.all[0] : undefined;
    return this.byKid.get(kid);
  }

  /** Every kid and its key, for telling what a newer set removed or changed. */
  kids(): ReadonlyMap<string, JWK> {
    return this.byKid;
  }

  stillUsable(): boolean {
    return true;
  }

  async warm(): Promise<boolean> {
    return true;
  }

  close(): void {}

  keyNow(kid: string | undefined, alg: string): CryptoKey | undefined {
    // One provider's tokens name one key, mostly: the last answer first (keys and imports are never removed from a set).
    const last = this.lastKeyNow;
    if (last !== undefined && last.kid === kid && last.alg === alg) return last.key;
    // find() first: imports are filed under '' both for no kid and for an empty one, which need not name the same key.
    const key = this.find(kid) === undefined ? undefined : this.imports.get(this.importedKid(kid))?.get(alg)?.key;
    if (key !== undefined) this.lastKeyNow = { kid, alg, key };
    return key;
  }

  async getKey(kid: string | undefined, alg: string): Promise<CryptoKey> {
    const jwk = this.find(kid);
    if (jwk === undefined) throw new KeyLookupError('kid_unknown');
    const importedKid = this.importedKid(kid);
    let byAlg = this.imports.get(importedKid);
    if (byAlg === undefined) this.imports.set(importedKid, (byAlg = new Map()));
    let entry = byAlg.get(alg);
    if (entry === undefined) {
      const started: KeyImport = { pending: importVerificationKey(jwk, alg), key: undefined };
      void started.pending.then((key) => {
        started.key = key;
      });
      byAlg.set(alg, (entry = started));
    }
    const key = await entry.pending;
    if (key === undefined) throw new KeyLookupError('alg_not_allowed');
    return key;
  }

  private importedKid(kid: string | undefined): string {
    return this.anyKid ? '' : (kid ?? '');
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
