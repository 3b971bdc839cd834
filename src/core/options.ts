import { DEFAULT_REALM } from './errors.js';
import { assertKnownKeys } from './options-keys.js';
import type { Provider } from './providers/types.js';
import type { AccountStatus } from './session/account-status.js';
import type { SessionEventListener } from './events.js';
import type { SessionPrincipal, TemplateMinter } from './principal/principal.js';
import type { RemoteProvider } from './remote/remote-provider.js';
import type { RbacOptions, StytchRbacPolicy } from './guards/rbac.js';
import type { SessionStore } from './store/types.js';
import type { RequestLike } from './request/credentials.js';
import type { SessionError } from './errors.js';
import { DEFAULT_ERROR_CONTENT_TYPE, type ErrorBodyShaper, type OnError } from './respond.js';
import type { SessionLogger } from './reporting.js';
import type { SessionCookieOptions } from './first-party/cookies.js';
import type { RefreshOptions } from './first-party/session-client.js';


/** Identifies what a revocation check is asked about. */
export interface RevocationQuery {
  subject: string;
  issuer: string;
  sessionId: string | null;
  tokenId: string | null;
}

export interface SessionGuardOptions {
  /** The issuers whose tokens are accepted; each token is routed to exactly one by its `iss`. A remote() provider must be alone. */
  providers: readonly (Provider | RemoteProvider)[];
  /** Maps a Clerk user id to its WorkOS user id (null: no mapping, a 401 user_unmapped). Without it a Clerk user id is the subject. */
  resolveLegacyUser?: (clerkUserId: string) => Promise<string | null> | string | null;
  /** Looks up whether an account is active, suspended or banned. Default: every account is active. */
  accountStatus?: (subject: string, principal: SessionPrincipal) => Promise<AccountStatus> | AccountStatus;
  /** Whether the session or token was revoked. Default: nothing is revoked. */
  isRevoked?: (query: RevocationQuery) => Promise<boolean> | boolean;
  /**
   * Account status and revocation from a shared store (`memoryStore()`, or `redisStore()` from
   * `sessionguard/redis`), instead of `accountStatus`/`isRevoked`. Its changes clear the caches at once.
   */
  store?: SessionStore;
  /** When the store can't be read: false (default) answers 503 status_unavailable; true lets the request through and reports a `store_error` event. */
  storeFailOpen?: boolean;
  /**
   * Origins allowed to send a cookie-carried token on POST, PUT, PATCH and DELETE, besides a
   * provider's `authorizedParties`. With neither, `Origin` must be the request's own origin.
   */
  allowedOrigins?: readonly string[];
  /** Read the request's own origin from `X-Forwarded-Proto` and `X-Forwarded-Host` (behind a proxy you trust). */
  trustProxy?: boolean;
  /** Cookie holding the session token (default `__session`). */
  cookieName?: string;
  /** Realm in WWW-Authenticate challenges (default `api`). */
  realm?: string;
  /** Verified-token cache; `false` turns it off. */
  tokenCache?: false | { max?: number; maxTtlSeconds?: number };
  /** How long resolveLegacyUser, accountStatus and isRevoked may take before the request gets a 503 (default 2000 ms). */
  hookTimeoutMs?: number;
  /** How long account status and revocation answers are reused per subject/session (default 5 s). */
  statusCacheTtlSeconds?: number;
  /** Cache for Clerk → WorkOS user mappings (default 10,000 entries, 10 minutes). */
  legacyUserCache?: { max?: number; ttlSeconds?: number };
  /** Key-set fetching and caching: fetch timeout, unknown-kid refetch cooldown, freshness and how long stale keys may serve. */
  keySets?: {
    fetchTimeoutMs?: number;
    cooldownMs?: number;
    maxAgeMs?: number;
    maxStaleMs?: number;
  };
  /** Template tokens for `req.auth.getToken({ template })`: a tokenTemplates({...}) instance. */
  templates?: TemplateMinter;
  /** Role-based access control for requirePermission({ resource, action }): `{ roles: { editor: [{ resource: 'documents', actions: ['read', 'write'] }] } }`, or Stytch's policy JSON. */
  rbac?: RbacOptions | StytchRbacPolicy;
  /** Receives events for logs and metrics; never receives tokens. */
  onEvent?: SessionEventListener;
  /**
   * Where what must not be missed is logged, one line per event and at most one a minute per kind:
   * failing or late hooks, key-host failures, store outages, a failing errorBody. A pino-style
   * logger (`warn(fields, message)`, `error(fields, message)`); default `console.warn`.
   */
  logger?: SessionLogger;
  /**
   * What a rejection becomes. 'respond' (default): sessionguard writes the response. 'next': the
   * SessionError goes to the framework's error handling (Express `next(err)`, thrown in Koa,
   * Fastify's error handler, a Hono HTTPException) with `status`, `headers` and `body`; the app writes the body.
   */
  onError?: OnError;
  /** Shapes a rejection's body (RFC 9457 problem details, the app's envelope); status and headers stay sessionguard's. */
  errorBody?: (error: SessionError, request: RequestLike) => unknown;
  /** Content-Type of rejection bodies (default `application/json; charset=utf-8`; `application/problem+json` for RFC 9457). */
  errorContentType?: string;
  /**
   * Reads the token from somewhere else (another header): the only source when set. Its token counts as
   * a header token (no CSRF check) and still passes the size and shape checks. Receives the request the
   * verifier reads: the Node request (Express `req`, Koa `ctx.req`, Fastify `request.raw`) or a Fetch Request.
   */
  getToken?: (request: RequestLike) => string | undefined;
  /** The header whose value events and log lines carry as `requestId` (default `x-request-id`). */
  requestIdHeader?: string;
  /** The clock, in epoch milliseconds (for tests). */
  clock?: () => number;
  /** First-party sessions (with an identitySessions() provider): how an expired session JWT cookie is renewed from the session token. */
  refresh?: RefreshOptions;
  /** First-party sessions: the cookie names and attributes (defaults `__Host-sg_session`, `__Host-sg_session_token`, Secure). */
  cookies?: SessionCookieOptions;
}

export interface ResolvedOptions {
  cookieName: string;
  allowedOrigins: readonly string[] | undefined;
  trustProxy: boolean;
  realm: string;
  tokenCacheMax: number;
  tokenCacheMaxTtlMs: number;
  statusTtlMs: number;
  hookTimeoutMs: number;
  legacyMax: number;
  legacyTtlMs: number;
  onError: OnError;
  errorBody: ErrorBodyShaper | undefined;
  errorContentType: string;
  /** Lower case, as Node's header object has it. */
  requestIdHeader: string;
}

function fail(message: string): never {
  throw new TypeError(`sessionguard: ${message}`);
}

function positive(name: string, value: number | undefined, fallback: number, { integer = false, allowZero = false } = {}): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0) || (integer && !Number.isInteger(value))) {
    fail(`${name} must be a ${integer ? 'whole' : 'finite'} number greater than ${allowZero ? 'or equal to ' : ''}0.`);
  }
  return value;
}

const STORE_METHODS = ['status', 'isRevoked', 'subscribe'] as const;

function validateStore(options: SessionGuardOptions): void {
  if (options.storeFailOpen !== undefined && typeof options.storeFailOpen !== 'boolean') fail('storeFailOpen must be true or false.');
  const store = options.store;
  if (store === undefined) return;
  if (typeof store !== 'object' || store === null || STORE_METHODS.some((method) => typeof store[method] !== 'function')) {
    fail('store must come from memoryStore() or redisStore().');
  }
  if (options.accountStatus !== undefined || options.isRevoked !== undefined) {
    fail('store answers account status and revocation: pass either store or accountStatus/isRevoked, not both.');
  }
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A media type with parameters: visible ASCII and spaces, no line breaks. */
const MEDIA_TYPE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+(\s*;[\x20-\x7e]*)?$/;

/** The options that decide how rejections are answered and what the logs say. */
function resolveErrorOptions(options: SessionGuardOptions): Pick<ResolvedOptions, 'onError' | 'errorBody' | 'errorContentType' | 'requestIdHeader'> {
  const onError = options.onError ?? 'respond';
  if (onError !== 'respond' && onError !== 'next') fail("onError must be 'respond' or 'next'.");
  const errorContentType = options.errorContentType ?? DEFAULT_ERROR_CONTENT_TYPE;
  if (typeof errorContentType !== 'string' || !MEDIA_TYPE.test(errorContentType)) fail('errorContentType must be a media type, e.g. application/problem+json.');
  const requestIdHeader = options.requestIdHeader ?? 'x-request-id';
  if (typeof requestIdHeader !== 'string' || !HEADER_NAME.test(requestIdHeader)) fail('requestIdHeader must be a header name, e.g. x-request-id.');
  const logger = options.logger;
  if (logger !== undefined && (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.error !== 'function')) {
    fail('logger must have warn() and error() methods (a pino-style logger).');
  }
  return { onError, errorBody: options.errorBody, errorContentType, requestIdHeader: requestIdHeader.toLowerCase() };
}

/** Every option name of sessionGuard(), createVerifier() and identityRouter() (which adds its own). */
export const SESSION_GUARD_KEYS = [
  'providers', 'resolveLegacyUser', 'accountStatus', 'isRevoked', 'store', 'storeFailOpen', 'allowedOrigins', 'trustProxy',
  'cookieName', 'realm', 'tokenCache', 'hookTimeoutMs', 'statusCacheTtlSeconds', 'legacyUserCache', 'keySets', 'templates',
  'rbac', 'onEvent', 'clock', 'onError', 'errorBody', 'errorContentType', 'getToken', 'requestIdHeader', 'logger',
  'refresh', 'cookies',
] as const;

// Every option of SessionGuardOptions must be listed above, or it would be refused as a misspelling: a compile error names the missing one.
type UnlistedOption = Exclude<keyof SessionGuardOptions, (typeof SESSION_GUARD_KEYS)[number]>;
const EVERY_OPTION_LISTED: [UnlistedOption] extends [never] ? true : UnlistedOption = true;
void EVERY_OPTION_LISTED;

/** Misspelled names in the guard's options and its nested option objects; data objects (rbac, templates, store) are not checked. */
function assertKnownOptionKeys(options: SessionGuardOptions, extraKeys: readonly string[]): void {
  assertKnownKeys('sessionGuard()', options, [...SESSION_GUARD_KEYS, ...extraKeys]);
  assertKnownKeys('tokenCache', options.tokenCache, ['max', 'maxTtlSeconds']);
  assertKnownKeys('legacyUserCache', options.legacyUserCache, ['max', 'ttlSeconds']);
  assertKnownKeys('keySets', options.keySets, ['fetchTimeoutMs', 'cooldownMs', 'maxAgeMs', 'maxStaleMs']);
}

function validateOrigins(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) fail('allowedOrigins must be a non-empty list of origins, e.g. ["https://app.example.com"].');
  for (const origin of value) {
    let parsed: URL | undefined;
    try {
      parsed = typeof origin === 'string' ? new URL(origin) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.origin !== origin) fail(`allowedOrigins: "${String(origin)}" is not an origin (scheme://host[:port], no path or trailing slash).`);
  }
  return Object.freeze([...(value as string[])]);
}

/** Validates the guard's own options at construction; providers validate themselves. `extraKeys`: a wrapper's own option names. */
export function resolveOptions(options: SessionGuardOptions, extraKeys: readonly string[] = []): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options are required: sessionGuard({ providers: [...] }).');
  assertKnownOptionKeys(options, extraKeys);
  if (options.trustProxy !== undefined && typeof options.trustProxy !== 'boolean') fail('trustProxy must be true or false.');
  if (!Array.isArray(options.providers) || options.providers.length === 0) {
    fail('providers must be a non-empty list, e.g. [workos({ clientId })].');
  }
  const seen = new Map<string, string>();
  const names = new Set<string>();
  for (const provider of options.providers) {
    if (typeof provider !== 'object' || provider === null || !Array.isArray(provider.issuers)) {
      fail('each provider must come from clerk(), workos(), stytch(), oidc() or remote().');
    }
    if (names.has(provider.name)) fail(`two providers are named "${provider.name}"; give each a distinct name.`);
    names.add(provider.name);
    for (const issuer of provider.issuers) {
      const other = seen.get(issuer);
      if (other !== undefined) fail(`the issuer "${issuer}" is configured twice (${other} and ${provider.name}).`);
      seen.set(issuer, provider.name);
    }
  }
  for (const hook of ['resolveLegacyUser', 'accountStatus', 'isRevoked', 'onEvent', 'clock', 'errorBody', 'getToken'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') fail(`${hook} must be a function.`);
  }
  validateStore(options);
  if (options.templates !== undefined && typeof options.templates?.mint !== 'function') fail('templates must come from tokenTemplates({...}).');
  const cookieName = options.cookieName ?? '__session';
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) fail('cookieName must be a valid cookie name.');
  const realm = options.realm ?? DEFAULT_REALM;
  if (typeof realm !== 'string' || realm === '' || /[\r\n"\\]/.test(realm)) fail('realm must be a non-empty string without quotes.');
  if (options.keySets !== undefined && (typeof options.keySets !== 'object' || options.keySets === null)) {
    fail('keySets must be an object: { fetchTimeoutMs, cooldownMs, maxAgeMs, maxStaleMs }.');
  }
  // Checked here, not where they are used: a NaN timeout or cooldown would silently disable the limit.
  for (const [name, allowZero] of [['fetchTimeoutMs', false], ['cooldownMs', true], ['maxAgeMs', false], ['maxStaleMs', true]] as const) {
    positive(`keySets.${name}`, options.keySets?.[name], 0, { allowZero });
  }
  const cache = options.tokenCache;
  if (cache !== undefined && cache !== false && (typeof cache !== 'object' || cache === null)) {
    fail('tokenCache must be false or { max, maxTtlSeconds }.');
  }
  return {
    cookieName,
    allowedOrigins: validateOrigins(options.allowedOrigins),
    trustProxy: options.trustProxy ?? false,
    realm,
    tokenCacheMax: cache === false ? 0 : positive('tokenCache.max', cache?.max, 10_000, { integer: true }),
    tokenCacheMaxTtlMs: cache === false ? 0 : positive('tokenCache.maxTtlSeconds', cache?.maxTtlSeconds, 3600) * 1000,
    statusTtlMs: positive('statusCacheTtlSeconds', options.statusCacheTtlSeconds, 5, { allowZero: true }) * 1000,
    hookTimeoutMs: positive('hookTimeoutMs', options.hookTimeoutMs, 2000),
    legacyMax: positive('legacyUserCache.max', options.legacyUserCache?.max, 10_000, { integer: true }),
    legacyTtlMs: positive('legacyUserCache.ttlSeconds', options.legacyUserCache?.ttlSeconds, 600) * 1000,
    ...resolveErrorOptions(options),
  };
}
