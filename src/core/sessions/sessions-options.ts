import { KeyObject } from 'node:crypto';
import { sha256Bytes } from '../hash.js';
import { loadSigningKey, type PrivateJwk, type SigningKey, type SigningKeyInput } from '../templates/signing-key.js';
import { isInProcessSessions } from './memory-sessions.js';
import { CompiledPolicy, type SessionPolicy } from './policy.js';
import type { SessionRecordStore } from './record-store.js';

/** The scopes a bare secret holds, and an object secret by default. */
export const DEFAULT_SESSION_SCOPES = Object.freeze(['sessions:create', 'sessions:authenticate', 'sessions:revoke', 'sessions:list']);
/** Needed to create a session for a user id the caller vouches for (no upstream token). */
export const CREATE_FOR_USER_SCOPE = 'sessions:create_for_user';

export const MIN_DURATION_MINUTES = 5;
export const MAX_DURATION_MINUTES = 527_040;
export const DEFAULT_DURATION_MINUTES = 60;
const DEFAULT_MAX_DURATION_MINUTES = 43_200;
const DEFAULT_JWT_LIFETIME_SECONDS = 300;
const MIN_SECRET_LENGTH = 32;

/** A project secret with the scopes it grants. */
export interface ProjectSecret {
  secret: string;
  /** Default: sessions:create, sessions:authenticate, sessions:revoke, sessions:list. */
  scopes?: readonly string[];
}

/** A signing key: a private JWK, a PKCS#8 PEM, a KeyObject, or `{ privateKey, kid?, alg? }`. */
export type SessionSigningKey = SigningKeyInput | PrivateJwk | string | KeyObject;

/** The `sessions` option of createIdentityService(). */
export interface SessionsOptions {
  /** Where sessions live: memorySessions() in one process, a durable store to share them. */
  store: SessionRecordStore;
  /** `iss` of session JWTs (any non-empty string; must differ from the templates' issuer). */
  issuer: string;
  /** `aud` of session JWTs, and the user name of the endpoints' HTTP Basic credentials. */
  projectId: string;
  /** Project secrets (at least 32 characters each), bare or with their scopes. */
  secrets: readonly (string | ProjectSecret)[];
  /** The first signs, all are published (rotation). Required unless the store is memorySessions(). Default there: an RS256 key made at start-up. */
  signingKeys?: readonly SessionSigningKey[];
  /** Stytch's RBAC policy shape, for `authorization_check`. */
  policy?: SessionPolicy;
  /** Cap on every session duration, in minutes (default 43200, 30 days). */
  maxDurationMinutes?: number;
  /** Lifetime of session JWTs in seconds (default 300, 30 to 3600). */
  jwtLifetimeSeconds?: number;
}

export interface ResolvedSessions {
  store: SessionRecordStore;
  issuer: string;
  projectId: string;
  secrets: readonly { digest: Buffer; scopes: readonly string[] }[];
  keys: readonly SigningKey[];
  policy: CompiledPolicy;
  maxDurationMinutes: number;
  jwtLifetimeSeconds: number;
}

const WHERE = 'createIdentityService(): sessions';

function fail(message: string): never {
  throw new TypeError(`sessionguard: ${WHERE}: ${message}`);
}

function wholeNumber(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) fail(`${name} must be a whole number from ${min} to ${max}.`);
  return value as number;
}

function secretEntry(entry: unknown, index: number): { digest: Buffer; scopes: readonly string[] } {
  const value = typeof entry === 'string' ? { secret: entry } : entry;
  if (typeof value !== 'object' || value === null) fail(`secrets[${index}] must be a string or { secret, scopes? }.`);
  const { secret, scopes } = value as ProjectSecret;
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || /[\s:]/.test(secret)) {
    fail(`secrets[${index}] must be at least ${MIN_SECRET_LENGTH} characters, without spaces or ":".`);
  }
  if (scopes !== undefined && (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string' || scope === ''))) {
    fail(`secrets[${index}].scopes must be a list of scope names.`);
  }
  return { digest: sha256Bytes(secret), scopes: Object.freeze([...(scopes ?? DEFAULT_SESSION_SCOPES)]) };
}

function signingKeyInput(key: SessionSigningKey): SigningKeyInput {
  if (typeof key === 'string' || key instanceof KeyObject) return { privateKey: key };
  if (typeof key === 'object' && key !== null && 'privateKey' in key) return key as SigningKeyInput;
  const jwk = key as PrivateJwk;
  return { privateKey: jwk, ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}), ...(typeof jwk.alg === 'string' ? { alg: jwk.alg as SigningKeyInput['alg'] } : {}) };
}

const STORE_METHODS = ['create', 'findByTokenHash', 'findById', 'update', 'revoke', 'listByUser'] as const;

/** Validates the sessions option at start-up; every mistake is a TypeError saying what to fix. */
export function resolveSessionsOptions(options: SessionsOptions): ResolvedSessions {
  if (typeof options !== 'object' || options === null) fail('must be { store, issuer, projectId, secrets, ... }.');
  const store = options.store;
  if (typeof store !== 'object' || store === null || STORE_METHODS.some((method) => typeof store[method] !== 'function')) {
    fail('store must come from memorySessions() or a durable sessions store.');
  }
  if (typeof options.issuer !== 'string' || options.issuer.trim() === '') fail('issuer must be a non-empty string.');
  if (typeof options.projectId !== 'string' || options.projectId === '' || /[\s:/]/.test(options.projectId)) {
    fail('projectId must be a non-empty string without spaces, ":" or "/".');
  }
  if (!Array.isArray(options.secrets) || options.secrets.length === 0) fail('secrets must be a non-empty list.');
  const secrets = options.secrets.map(secretEntry);
  const signingKeys = options.signingKeys;
  if (signingKeys !== undefined && (!Array.isArray(signingKeys) || signingKeys.length === 0)) fail('signingKeys must be a non-empty list.');
  if (signingKeys === undefined && !isInProcessSessions(store)) {
    fail('signingKeys is required with a shared store: a key made per process would make other instances\' JWTs fail with kid_unknown.');
  }
  const keys = (signingKeys ?? [undefined]).map((key) => loadSigningKey(key === undefined ? undefined : signingKeyInput(key), 'RS256', `${WHERE}.signingKeys`));
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) fail('two signing keys have the same kid.');
  return {
    store,
    issuer: options.issuer,
    projectId: options.projectId,
    secrets,
    keys,
    policy: CompiledPolicy.compile(options.policy),
    maxDurationMinutes: wholeNumber('maxDurationMinutes', options.maxDurationMinutes, DEFAULT_MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, MAX_DURATION_MINUTES),
    jwtLifetimeSeconds: wholeNumber('jwtLifetimeSeconds', options.jwtLifetimeSeconds, DEFAULT_JWT_LIFETIME_SECONDS, 30, 3600),
  };
}
