import { assertKnownKeys } from '../options-keys.js';
import { configError, validateKeySetUrl, validateNonEmptyString, validateStringList } from '../providers/validate.js';

/** How this service proves itself to the identity service: a static API key or a token source (e.g. client credentials). */
export type RemoteCredentials = string | (() => string | Promise<string>);

export interface RemoteProviderOptions {
  /** The identity service's base URL (https, or http on loopback); POST {url}/v1/sessions/verify is called. */
  url: string;
  /** Sent as `Authorization: Bearer <credentials>`. */
  credentials: RemoteCredentials;
  /** Name for logs and `principal.provider` (default `remote`). */
  name?: string;
  /** Per-call timeout (default 3000 ms, at most 30000). */
  timeoutMs?: number;
  /** Verified-result cache: TTL bounded by the token's exp and maxTtlSeconds (default 30 s, 10,000 entries); false turns it off. */
  cache?: false | { max?: number; maxTtlSeconds?: number };
  /** Origins allowed for cookie-carried unsafe requests (CSRF, as for local providers). */
  authorizedParties?: readonly string[];
}

/**
 * A provider that delegates verification to a remote identity service. It
 * must be the only provider of a guard: see README, "remote mode".
 */
export interface RemoteProvider {
  readonly kind: 'remote';
  readonly name: string;
  /** Always empty: no token is routed by `iss`, every token goes to the remote. */
  readonly issuers: readonly string[];
  readonly legacyUsers: false;
  readonly verifyUrl: string;
  readonly credentials: RemoteCredentials;
  readonly timeoutMs: number;
  readonly cacheMax: number;
  readonly cacheMaxTtlMs: number;
  readonly authorizedParties: readonly string[] | undefined;
}

const MAX_TIMEOUT_MS = 30_000;

/** The same rule as for key sets: https, or plain http to this machine only. */
function serviceUrl(where: string, url: string): string {
  try {
    return validateKeySetUrl(where, url).replace(/\/+$/, '');
  } catch {
    throw configError(where, `url must be an https URL (plain http is allowed only on loopback), got "${url}".`);
  }
}

function wholeNumber(where: string, field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw configError(where, `${field} must be a whole number from ${min} to ${max}.`);
  }
  return value as number;
}

/** Verify tokens by asking a remote identity service (sessionguard's identityRouter or any service with its API). */
export function remote(options: RemoteProviderOptions): RemoteProvider {
  const where = 'remote()';
  if (typeof options !== 'object' || options === null) throw configError(where, 'options are required: remote({ url, credentials }).');
  assertKnownKeys(where, options, ['url', 'credentials', 'name', 'timeoutMs', 'cache', 'authorizedParties']);
  if (typeof options.cache === 'object') assertKnownKeys('remote() cache', options.cache, ['max', 'maxTtlSeconds']);
  const base = serviceUrl(where, validateNonEmptyString(where, 'url', options.url));
  const credentials = options.credentials;
  if (typeof credentials !== 'function' && (typeof credentials !== 'string' || credentials.trim() === '' || /[\s,]/.test(credentials))) {
    throw configError(where, 'credentials must be an API key or token (a string without spaces) or a function returning one.');
  }
  const cache = options.cache;
  if (cache !== undefined && cache !== false && (typeof cache !== 'object' || cache === null)) {
    throw configError(where, 'cache must be false or { max, maxTtlSeconds }.');
  }
  return Object.freeze({
    kind: 'remote',
    name: validateNonEmptyString(where, 'name', options.name ?? 'remote'),
    issuers: Object.freeze([]),
    legacyUsers: false,
    verifyUrl: `${base}/v1/sessions/verify`,
    credentials,
    timeoutMs: wholeNumber(where, 'timeoutMs', options.timeoutMs, 3000, 1, MAX_TIMEOUT_MS),
    cacheMax: cache === false ? 0 : wholeNumber(where, 'cache.max', cache?.max, 10_000, 1, 10_000_000),
    cacheMaxTtlMs: cache === false ? 0 : wholeNumber(where, 'cache.maxTtlSeconds', cache?.maxTtlSeconds, 30, 1, 86_400) * 1000,
    authorizedParties: validateStringList(where, 'authorizedParties', options.authorizedParties),
  });
}

export function isRemoteProvider(value: unknown): value is RemoteProvider {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'remote';
}
