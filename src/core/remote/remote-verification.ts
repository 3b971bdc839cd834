import { sha256 } from '../hash.js';
import { LRUCache } from 'lru-cache';
import type { ErrorFactory, SessionError, SessionErrorBody, SessionErrorCode } from '../errors.js';
import type { JsonObject } from '../token/decode.js';
import { identify, principalBaseOf, principalFrom, type PrincipalSource, type SessionPrincipal, type TemplateMinter } from '../principal/principal.js';
import { readGenericClaims } from '../principal/provider-claims.js';
import type { SessionGuardOptions } from '../options.js';
import { readCapped } from '../keys/fetch-key-set.js';
import { parseVerifyResponse, type ParsedVerifyResponse } from '../principal/verify-response.js';
import { isRemoteProvider, type RemoteProvider } from './remote-provider.js';

/** What a 200 from the remote yields, cached per token: what the token's principals are copied from. */
type RemoteVerdict = PrincipalSource;

interface RemoteDependencies {
  errors: ErrorFactory;
  now: () => number;
  minter: TemplateMinter | undefined;
}

const MAX_RESPONSE_BYTES = 16 * 1024;
const DEFAULT_RETRY_AFTER_SECONDS = 5;
const MAX_RETRY_AFTER_SECONDS = 300;

/** Why the remote could not give an answer; the caller sees a 503 identity_unavailable. */
class RemoteFailure extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
  ) {
    super(message);
  }
}

/** A 401/403 body in sessionguard's error shape (`error`, `message`, `reason`?, `suspended_until`?), or undefined when it does not fit. */
function parseErrorBody(value: unknown): SessionErrorBody | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  if (typeof body.error !== 'string' || body.error === '' || typeof body.message !== 'string') return undefined;
  if (body.reason !== undefined && typeof body.reason !== 'string') return undefined;
  if (body.suspended_until !== undefined && typeof body.suspended_until !== 'string') return undefined;
  return {
    error: body.error as SessionErrorCode,
    message: body.message,
    ...(body.suspended_until === undefined ? {} : { suspended_until: body.suspended_until as string }),
    ...(body.reason === undefined ? {} : { reason: body.reason as string }),
  };
}

function retryAfter(header: string | null): number {
  const seconds = Number(header);
  return Number.isInteger(seconds) && seconds > 0 ? Math.min(seconds, MAX_RETRY_AFTER_SECONDS) : DEFAULT_RETRY_AFTER_SECONDS;
}

/**
 * Remote mode: the token is checked by a remote identity service
 * (POST /v1/sessions/verify) instead of here. Verdicts are cached per token
 * until its exp (at most the configured maximum), concurrent asks for one
 * token share a call, and a remote that can't answer is a 503, never a pass.
 */
export class RemoteVerification {
  private readonly cache: LRUCache<string, RemoteVerdict> | undefined;
  private readonly inflight = new Map<string, Promise<RemoteVerdict>>();

  constructor(
    readonly provider: RemoteProvider,
    private readonly deps: RemoteDependencies,
  ) {
    // ttlResolution 0: read the injected clock on every lookup (lru-cache otherwise reuses a reading for 1 ms of real time).
    if (provider.cacheMax > 0) this.cache = new LRUCache({ max: provider.cacheMax, ttlAutopurge: false, perf: { now: deps.now }, ttlResolution: 0 });
  }

  /** `payload` is the token's decoded, not yet verified payload (the shape was checked by the verifier). */
  async verify(token: string, payload: JsonObject): Promise<SessionPrincipal> {
    const key = sha256(token, 'base64url');
    let verdict = this.cache?.get(key);
    if (verdict === undefined) {
      let pending = this.inflight.get(key);
      if (pending === undefined) {
        pending = this.ask(token, payload).finally(() => this.inflight.delete(key));
        this.inflight.set(key, pending);
      }
      verdict = await pending;
      const exp = payload.exp;
      if (this.cache !== undefined && typeof exp === 'number') {
        const ttl = Math.min(exp * 1000 - this.deps.now(), this.provider.cacheMaxTtlMs);
        if (ttl > 0) this.cache.set(key, verdict, { ttl });
      }
    }
    return principalFrom(verdict, token, this.deps.minter, undefined);
  }

  /** One call to the remote: a verdict, the remote's own 401/403, or a 503. */
  private async ask(token: string, payload: JsonObject): Promise<RemoteVerdict> {
    try {
      return await this.call(token, payload);
    } catch (error) {
      if (error instanceof RemoteFailure) {
        throw this.deps.errors.serviceUnavailable('identity_unavailable', `The identity service cannot verify sessions right now (${error.message}).`, error.retryAfterSeconds);
      }
      throw error;
    }
  }

  private async credential(): Promise<string> {
    const source = this.provider.credentials;
    let value: unknown;
    try {
      value = typeof source === 'function' ? await source() : source;
    } catch {
      throw new RemoteFailure('no service credential');
    }
    if (typeof value !== 'string' || value === '' || /[\s,]/.test(value)) throw new RemoteFailure('no usable service credential');
    return value;
  }

  private async call(token: string, payload: JsonObject): Promise<RemoteVerdict> {
    const credential = await this.credential();
    const signal = AbortSignal.timeout(this.provider.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.provider.verifyUrl, {
        method: 'POST',
        redirect: 'error',
        signal,
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token }),
      });
    } catch {
      throw new RemoteFailure(signal.aborted ? 'timed out' : 'unreachable');
    }
    let body: unknown;
    try {
      body = JSON.parse(await readCapped(response, MAX_RESPONSE_BYTES));
    } catch {
      throw new RemoteFailure(signal.aborted ? 'timed out' : `answered ${response.status} without a JSON body`, retryAfter(response.headers.get('retry-after')));
    } finally {
      response.body?.cancel().catch(() => undefined);
    }
    if (response.status === 200) {
      const verified = parseVerifyResponse(body);
      if (verified === undefined) throw new RemoteFailure('answered 200 with an unexpected body');
      return this.verdict(verified, payload);
    }
    if (response.status === 401 || response.status === 403) throw this.relay(response.status, body);
    throw new RemoteFailure(`answered ${response.status}`, retryAfter(response.headers.get('retry-after')));
  }

  /** The remote's own rejection of the token, passed on unchanged; a refusal of *our* credential is an outage. */
  private relay(status: 401 | 403, value: unknown): SessionError | RemoteFailure {
    const body = parseErrorBody(value);
    if (body === undefined) return new RemoteFailure(`answered ${status} with an unexpected body`);
    if (body.reason?.startsWith('service_')) return new RemoteFailure('this service\'s credential was refused');
    return this.deps.errors.relayed(status, body);
  }

  /**
   * The service's reading of the token, and the token's own payload (authentic once the remote
   * accepted this exact token) for the claims and for members an older service does not send.
   */
  private verdict(body: ParsedVerifyResponse, payload: JsonObject): RemoteVerdict {
    const scopes = body.scope.split(/\s+/).filter((word) => word !== '');
    // The token's own reading (a generic one: no slug, organization role, features or factors), then the service's answer over it.
    const fields = readGenericClaims(payload);
    if (body.roles !== undefined) fields.roles = body.roles;
    if (body.session_id !== undefined) fields.sessionId = body.session_id;
    if (body.organization_id !== undefined) fields.organizationId = body.organization_id;
    if (body.organization_slug !== undefined) fields.organizationSlug = body.organization_slug;
    if (body.organization_role !== undefined) fields.organizationRole = body.organization_role;
    if (body.permissions !== undefined) fields.permissions = body.permissions;
    if (body.features !== undefined) fields.features = body.features;
    if (body.entitlements !== undefined) fields.entitlements = body.entitlements;
    if (body.feature_flags !== undefined) fields.featureFlags = body.feature_flags;
    if (body.actor !== undefined) fields.actor = body.actor;
    if (body.authentication_factors !== undefined) fields.authenticationFactors = body.authentication_factors;
    const base = principalBaseOf(fields, scopes, body.brand_id, payload);
    return identify(base, this.provider, { subject: body.subject, workosUserId: body.workos_user_id, clerkUserId: body.clerk_user_id });
  }
}

/**
 * The remote strategy of a guard, or undefined when it verifies locally.
 * A remote provider must be the only one, and the remote owns account
 * status, revocation and the legacy user mapping.
 */
export function createRemoteVerification(options: SessionGuardOptions, deps: RemoteDependencies): RemoteVerification | undefined {
  const remotes = options.providers.filter(isRemoteProvider);
  if (remotes.length === 0) return undefined;
  if (options.providers.length > 1) {
    throw new TypeError('sessionguard: remote() must be the only provider: the identity service verifies every token, including its own issuers\'.');
  }
  for (const hook of ['accountStatus', 'isRevoked', 'resolveLegacyUser'] as const) {
    if (options[hook] !== undefined) {
      throw new TypeError(`sessionguard: ${hook} cannot be used with remote(): the identity service checks it.`);
    }
  }
  return new RemoteVerification(remotes[0]!, deps);
}
