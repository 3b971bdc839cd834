import { brandClass, hasBrand, SESSION_ERROR_BRAND } from './brand.js';

/** Realm of WWW-Authenticate challenges when none is configured. */
export const DEFAULT_REALM = 'api';

/** Every `error` code a rejection can carry. */
export type SessionErrorCode =
  | 'invalid_request'
  | 'missing_token'
  | 'invalid_token'
  | 'token_expired'
  | 'session_revoked'
  | 'account_suspended'
  | 'account_banned'
  | 'insufficient_scope'
  | 'forbidden'
  | 'not_found'
  | 'service_unavailable';

/** The JSON body every rejection carries: `error`, a human `message`, and `reason` / `suspended_until` where they apply. */
export interface SessionErrorBody {
  error: SessionErrorCode;
  message: string;
  suspended_until?: string;
  reason?: string;
}

export interface SessionErrorInit {
  status: number;
  error: SessionErrorCode;
  message: string;
  reason?: string;
  suspendedUntil?: string;
  headers?: Record<string, string>;
  /** What made a 503 (the app's failing hook, a missed deadline): kept for the app's logs, never sent. */
  cause?: unknown;
  /** With `onError: 'next'`: the body sessionguard would have sent. */
  body?: unknown;
}

/**
 * A rejection decided by sessionguard. Adapters turn it into a response with
 * `status`, `headers` and `toJSON()`; nothing else is needed to answer.
 */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly status: number;
  readonly error: SessionErrorCode;
  readonly reason: string | undefined;
  readonly suspendedUntil: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** With `onError: 'next'`: the body sessionguard would have sent (errorBody's shape, or toJSON()); the app writes its own. */
  readonly body: unknown;
  /** For Koa's error handling: the message is meant for the client (it is the body's `message`). */
  readonly expose = true;

  constructor(init: SessionErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.error = init.error;
    this.reason = init.reason;
    this.suspendedUntil = init.suspendedUntil;
    this.headers = Object.freeze({ ...(init.headers ?? {}) });
    this.body = init.body;
  }

  /** The status under the name Fastify's (and http-errors') error handling reads. */
  get statusCode(): number {
    return this.status;
  }

  /** The same rejection with another reason (status, message and headers kept). */
  withReason(reason: string): SessionError {
    return new SessionError({ status: this.status, error: this.error, message: this.message, reason, headers: { ...this.headers }, cause: this.cause });
  }

  toJSON(): SessionErrorBody {
    const body: SessionErrorBody = { error: this.error, message: this.message };
    if (this.suspendedUntil !== undefined) body.suspended_until = this.suspendedUntil;
    if (this.reason !== undefined) body.reason = this.reason;
    return body;
  }
}

brandClass(SessionError, SESSION_ERROR_BRAND);

/** Whether `value` is a SessionError, thrown by this copy of sessionguard or another (its CommonJS or ESM build). */
export function isSessionError(value: unknown): value is SessionError {
  return hasBrand(value, SESSION_ERROR_BRAND);
}

/** Quotes a value for an RFC 7235 auth-param (quoted-string). */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;
}

/** Builds errors with the realm baked in, so every 401/403 carries the same challenge. */
export class ErrorFactory {
  private readonly realmParam: string;

  constructor(realm: string) {
    this.realmParam = `realm=${quoted(realm)}`;
  }

  invalidRequest(reason: string, message: string): SessionError {
    return new SessionError({ status: 400, error: 'invalid_request', reason, message });
  }

  missingToken(): SessionError {
    return new SessionError({
      status: 401,
      error: 'missing_token',
      message: 'No session token was sent: use an Authorization Bearer header or the session cookie.',
      headers: { 'WWW-Authenticate': `Bearer ${this.realmParam}` },
    });
  }

  invalidToken(reason: string, message: string): SessionError {
    return new SessionError({
      status: 401,
      error: 'invalid_token',
      reason,
      message,
      headers: { 'WWW-Authenticate': this.invalidTokenChallenge(message) },
    });
  }

  tokenExpired(): SessionError {
    const message = 'The session token has expired: refresh it and retry.';
    return new SessionError({
      status: 401,
      error: 'token_expired',
      message,
      headers: { 'WWW-Authenticate': this.invalidTokenChallenge(message) },
    });
  }

  sessionRevoked(reason: 'session_revoked' | 'token_revoked'): SessionError {
    const message =
      reason === 'session_revoked' ? 'This session has been revoked.' : 'This token has been revoked.';
    return new SessionError({
      status: 401,
      error: 'session_revoked',
      reason,
      message,
      headers: { 'WWW-Authenticate': this.invalidTokenChallenge(message) },
    });
  }

  accountSuspended(suspendedUntil: string, reason: string): SessionError {
    return new SessionError({
      status: 403,
      error: 'account_suspended',
      message: `This account is suspended until ${suspendedUntil}.`,
      suspendedUntil,
      reason,
    });
  }

  accountBanned(reason: string): SessionError {
    return new SessionError({ status: 403, error: 'account_banned', message: 'This account is banned.', reason });
  }

  /** `mode` 'any': one of the scopes would do (the challenge lists them all, as RFC 6750 asks). */
  insufficientScope(required: readonly string[], mode: 'all' | 'any' = 'all'): SessionError {
    const scope = required.join(' ');
    return new SessionError({
      status: 403,
      error: 'insufficient_scope',
      message: mode === 'any' && required.length > 1 ? `This request needs one of the scopes: ${scope}.` : `This request needs the scope: ${scope}.`,
      headers: {
        'WWW-Authenticate': `Bearer ${this.realmParam}, error="insufficient_scope", scope=${quoted(scope)}`,
      },
    });
  }

  notFound(reason: string, message: string): SessionError {
    return new SessionError({ status: 404, error: 'not_found', reason, message });
  }

  /** A request body over the cap: the connection is closed rather than read on. */
  bodyTooLarge(maxBytes: number): SessionError {
    return new SessionError({
      status: 413,
      error: 'invalid_request',
      reason: 'body_too_large',
      message: `The request body is larger than ${maxBytes} bytes.`,
      headers: { Connection: 'close' },
    });
  }

  forbidden(reason: string, message: string): SessionError {
    return new SessionError({ status: 403, error: 'forbidden', reason, message });
  }

  /** `cause`: what failed (kept on the error for the app's logs and sessionguard's, never sent). */
  serviceUnavailable(reason: string, message: string, retryAfterSeconds: number, cause?: unknown): SessionError {
    return new SessionError({
      status: 503,
      error: 'service_unavailable',
      reason,
      message,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      cause,
    });
  }

  /** A 401/403 decided by a remote identity service: its body unchanged, this server's challenge. */
  relayed(status: 401 | 403, body: SessionErrorBody): SessionError {
    const challenge = body.error === 'missing_token' ? `Bearer ${this.realmParam}` : this.invalidTokenChallenge(body.message);
    return new SessionError({
      status,
      error: body.error,
      message: body.message,
      reason: body.reason,
      suspendedUntil: body.suspended_until,
      headers: status === 401 ? { 'WWW-Authenticate': challenge } : {},
    });
  }

  private invalidTokenChallenge(description: string): string {
    return `Bearer ${this.realmParam}, error="invalid_token", error_description=${quoted(description)}`;
  }
}

/** A rejection as an HTTP response: the one serialisation every adapter writes byte for byte. */
export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function toHttpResponse(error: SessionError): HttpErrorResponse {
  return {
    status: error.status,
    headers: {
      ...error.headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    },
    body: JSON.stringify(error.toJSON()),
  };
}
