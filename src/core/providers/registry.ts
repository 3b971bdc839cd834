import type { ErrorFactory } from '../errors.js';
import type { SessionEventListener } from '../events.js';
import type { KeySet } from '../keys/key-set.js';
import { JwksKeySet, type JwksKeySetOptions } from '../keys/jwks-key-set.js';
import { DiscoveredKeySet } from '../keys/discovered-key-set.js';
import { LocalKeySet } from '../keys/local-key-set.js';
import type { JsonObject } from '../token/decode.js';
import type { Provider } from './types.js';

/** Key-set tuning shared by every provider of a verifier. */
export interface KeySetTuning {
  fetchTimeoutMs?: number;
  cooldownMs?: number;
  maxAgeMs?: number;
  maxStaleMs?: number;
}

/**
 * The configured providers by issuer, each with the key set built for it: a token is routed by
 * its exact `iss` to exactly one provider, and verified only with that provider's keys.
 */
export class ProviderRegistry {
  private readonly byIssuer = new Map<string, Provider>();
  private readonly keySets = new Map<Provider, KeySet>();
  private lastRouted: { issuer: string; provider: Provider } | undefined;

  constructor(
    providers: readonly Provider[],
    tuning: KeySetTuning,
    private readonly errors: ErrorFactory,
    hooks: { emit: SessionEventListener | undefined; now: () => number; onKeysRemoved: (provider: Provider, kids: readonly (string | undefined)[]) => void },
  ) {
    for (const provider of providers) {
      for (const issuer of provider.issuers) this.byIssuer.set(issuer, provider);
      this.keySets.set(provider, createKeySet(provider, tuning, hooks));
    }
  }

  /** The provider trusted for the token's `iss`; a 401 when there is none. */
  route(payload: JsonObject): Provider {
    const iss = payload.iss;
    if (iss === undefined) throw this.errors.invalidToken('claim_missing', 'The token has no "iss" claim.');
    if (typeof iss !== 'string') throw this.errors.invalidToken('claim_invalid', 'The token\'s "iss" claim is not a string.');
    // The last issuer routed first: comparing two strings is cheaper than hashing a fresh one for the map.
    const last = this.lastRouted;
    if (last !== undefined && last.issuer === iss) return last.provider;
    const provider = this.byIssuer.get(iss);
    if (provider === undefined) throw this.errors.invalidToken('issuer_unknown', 'The token comes from an issuer this server does not trust.');
    this.lastRouted = { issuer: iss, provider };
    return provider;
  }

  keySetOf(provider: Provider): KeySet {
    return this.keySets.get(provider)!;
  }

  /** Every issuer routed to a provider. */
  issuers(): IterableIterator<string> {
    return this.byIssuer.keys();
  }

  /** True when every provider's keys are held and usable. */
  get ready(): boolean {
    for (const keySet of this.keySets.values()) if (!keySet.ready) return false;
    return true;
  }

  /** Fetches every provider's keys ahead of traffic; resolves to `ready`. */
  async warm(): Promise<boolean> {
    const results = await Promise.all([...this.keySets.values()].map((keySet) => keySet.warm()));
    return results.every(Boolean);
  }

  close(): void {
    for (const keySet of this.keySets.values()) keySet.close();
  }
}

function createKeySet(
  provider: Provider,
  tuning: KeySetTuning,
  hooks: { emit: SessionEventListener | undefined; now: () => number; onKeysRemoved: (provider: Provider, kids: readonly (string | undefined)[]) => void },
): KeySet {
  const source = provider.keySource;
  const where = `${provider.kind}() "${provider.name}"`;
  if (source.type === 'pem') return LocalKeySet.fromConfig(where, { pem: source.pem });
  if (source.type === 'jwks-inline') return LocalKeySet.fromConfig(where, { jwks: source.jwks });
  const settings: Omit<JwksKeySetOptions, 'url'> = {
    provider: provider.name,
    fetchTimeoutMs: tuning.fetchTimeoutMs,
    cooldownMs: tuning.cooldownMs,
    maxAgeMs: tuning.maxAgeMs,
    maxStaleMs: tuning.maxStaleMs,
    onEvent: hooks.emit,
    onKeysRemoved: (kids) => hooks.onKeysRemoved(provider, kids),
    now: hooks.now,
  };
  if (source.type === 'discovery') return new DiscoveredKeySet({ ...settings, issuer: source.issuer, jwksHosts: source.jwksHosts });
  return new JwksKeySet({ ...settings, url: source.url });
}
