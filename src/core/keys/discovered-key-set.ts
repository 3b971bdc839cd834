import type { SessionEventListener } from '../events.js';
import { KeySetUnavailableError, type KeySet } from './key-set.js';
import { JwksKeySet, JWKS_DEFAULTS, type JwksKeySetOptions } from './jwks-key-set.js';
import { fetchKeySetDocument } from './fetch-key-set.js';
import { validateKeySetUrl } from '../providers/validate.js';

const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;
const MAX_DISCOVERY_BYTES = 64 * 1024;

export interface DiscoveredKeySetOptions extends Omit<JwksKeySetOptions, 'url'> {
  /** The configured issuer: the discovery document must name exactly this one. */
  issuer: string;
  /** Hosts besides the issuer's that may serve the key set. */
  jwksHosts: readonly string[];
}

/** The discovery document's `jwks_uri`, or an Error saying why it is refused. */
export function jwksUriOf(document: unknown, issuer: string, jwksHosts: readonly string[]): string {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error('discovery document is not a JSON object');
  const { issuer: named, jwks_uri: jwksUri } = document as { issuer?: unknown; jwks_uri?: unknown };
  if (named !== issuer) throw new Error('discovery document names another issuer');
  if (typeof jwksUri !== 'string') throw new Error('discovery document has no jwks_uri');
  let url: string;
  try {
    url = validateKeySetUrl('discovery', jwksUri);
  } catch {
    throw new Error('discovery jwks_uri is not https');
  }
  const host = new URL(url).host;
  if (host !== new URL(issuer).host && !jwksHosts.includes(host)) throw new Error('discovery jwks_uri is on a host that is neither the issuer\'s nor in jwksHosts');
  return url;
}

/**
 * An OIDC issuer's key set found through `/.well-known/openid-configuration`: the document is
 * fetched once (single flight, with the key sets' timeout, size cap and failure backoff), then
 * its `jwks_uri` is an ordinary JWKS key set.
 */
export class DiscoveredKeySet implements KeySet {
  private inner: JwksKeySet | undefined;
  private inflight: Promise<void> | undefined;
  private failures = 0;
  private retryAt = -Infinity;
  private readonly now: () => number;
  private readonly emit: SessionEventListener | undefined;

  constructor(private readonly options: DiscoveredKeySetOptions) {
    this.now = options.now ?? Date.now;
    this.emit = options.onEvent;
  }

  get ready(): boolean {
    return this.inner?.ready ?? false;
  }

  stillUsable(now: number): boolean {
    return this.inner?.stillUsable(now) ?? false;
  }

  async warm(): Promise<boolean> {
    await this.discover(true);
    return this.inner === undefined ? false : this.inner.warm();
  }

  close(): void {
    this.inner?.close();
  }

  keyNow(kid: string | undefined, alg: string, now?: number): CryptoKey | undefined {
    return this.inner?.keyNow(kid, alg, now);
  }

  async getKey(kid: string | undefined, alg: string): Promise<CryptoKey> {
    if (this.inner === undefined) await this.discover(false);
    if (this.inner === undefined) throw new KeySetUnavailableError(Math.ceil(Math.max(1000, this.retryAt - this.now()) / 1000));
    return this.inner.getKey(kid, alg);
  }

  private discover(force: boolean): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    if (this.inner !== undefined || (!force && this.now() < this.retryAt)) return Promise.resolve();
    this.inflight = this.fetchDocument().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchDocument(): Promise<void> {
    const { issuer, jwksHosts, provider } = this.options;
    const started = this.now();
    try {
      const document = await fetchKeySetDocument(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
        timeoutMs: this.options.fetchTimeoutMs ?? JWKS_DEFAULTS.fetchTimeoutMs,
        maxBodyBytes: MAX_DISCOVERY_BYTES,
      });
      const url = jwksUriOf(document, issuer, jwksHosts);
      this.inner = new JwksKeySet({ ...this.options, url });
      this.emit?.({ type: 'discovery_fetch', provider, ok: true, durationMs: this.now() - started });
    } catch (error) {
      this.failures++;
      this.retryAt = this.now() + Math.min(FIRST_BACKOFF_MS * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
      this.emit?.({ type: 'discovery_fetch', provider, ok: false, durationMs: this.now() - started, error: error instanceof Error ? error.message : 'discovery failed' });
    }
  }
}
