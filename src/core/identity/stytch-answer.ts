import { randomUUID } from 'node:crypto';
import { SessionError } from '../errors.js';
import { SessionsError, sessionsErrors } from '../sessions/sessions-error.js';
import { json, type IdentityResponse } from './response.js';

/** A request id per answer, in Stytch's form, for the caller's logs. */
export function newRequestId(): string {
  return `request-id-${randomUUID()}`;
}

/** A successful answer in Stytch's dialect: the body with `request_id` and `status_code`. */
export function stytchOk(requestId: string, body: Record<string, unknown>, cacheControl = 'no-store'): IdentityResponse {
  return json(200, { request_id: requestId, status_code: 200, ...body }, cacheControl);
}

/** Codes that say all there is: their reason is the account's own (free text) or a detail. */
const ERROR_CODES_KEPT: ReadonlySet<string> = new Set(['account_suspended', 'account_banned', 'token_expired', 'service_unavailable']);

/**
 * What a failure means for the caller of a sessions endpoint. A SessionError of the verifier or
 * body reader keeps its status, its reason (or error code) becoming `error_type`; anything else
 * unexpected is a 503, never a 500.
 */
export function toSessionsError(error: unknown): SessionsError {
  if (error instanceof SessionsError) return error;
  if (error instanceof SessionError) {
    const type =
      error.status === 400 || error.status === 413 ? 'invalid_argument' : ERROR_CODES_KEPT.has(error.error) ? error.error : (error.reason ?? error.error);
    const headers = { ...error.headers };
    delete headers['WWW-Authenticate'];
    return new SessionsError(error.status, type, error.message, headers);
  }
  return sessionsErrors.unavailable();
}

/** A failure in Stytch's dialect: `{ status_code, request_id, error_type, error_message, error_url }`. */
export function stytchError(requestId: string, error: SessionsError): IdentityResponse {
  return json(
    error.status,
    {
      status_code: error.status,
      request_id: requestId,
      error_type: error.errorType,
      error_message: error.message,
      error_url: `https://stytch.com/docs/api/errors/${error.status}#${error.errorType}`,
    },
    'no-store',
    { ...error.headers },
  );
}
