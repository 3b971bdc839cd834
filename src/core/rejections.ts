import { ErrorFactory, SessionError } from './errors.js';
import { tokenFingerprint } from './hash.js';
import { HookFailure } from './hook-failure.js';
import { DeadlineError } from './deadline.js';
import { KeySetUnavailableError } from './keys/key-set.js';
import type { Credentials, RequestLike } from './request/credentials.js';
import { requestFields } from './request/context.js';
import type { Reporter } from './reporting.js';

const RETRY_AFTER_SECONDS = 5;

/** Anything thrown while authenticating, as the SessionError to answer with: unknown failures are a 503, never a 500. */
export function toSessionError(error: unknown, errors: ErrorFactory): SessionError {
  if (error instanceof SessionError) return error;
  if (error instanceof KeySetUnavailableError) {
    return errors.serviceUnavailable('jwks_unavailable', 'The signing keys cannot be fetched right now.', error.retryAfterSeconds);
  }
  return errors.serviceUnavailable('internal_error', 'The session could not be checked.', RETRY_AFTER_SECONDS, error);
}

/**
 * Reports a rejection with its request's method, path and id: the `rejection` event, and for
 * a failing hook one `hook_error` event and log line (the first request its failure reached).
 * With a store, its outages are logged by the store_error event; only a store past its deadline
 * (which the store reader never sees) is logged here.
 */
export function reportRejection(
  reporter: Reporter,
  error: SessionError,
  context: { credentials: Credentials | undefined; request: RequestLike | undefined; requestIdHeader: string; usesStore: boolean },
): void {
  const cause = error.cause;
  const hookFailure = cause instanceof HookFailure && reporter.firstTime(cause.error) ? cause : undefined;
  if (reporter.emit === undefined && hookFailure === undefined) return;
  const fields = requestFields(context.request, context.requestIdHeader);
  const tokenHash = context.credentials === undefined ? undefined : tokenFingerprint(context.credentials.token);
  const hashed = tokenHash === undefined ? {} : { tokenHash };
  reporter.emit?.({ type: 'rejection', status: error.status, error: error.error, reason: error.reason, ...hashed, ...fields });
  if (hookFailure === undefined) return;
  if (!context.usesStore || hookFailure.hook === 'getToken') {
    reporter.report({ type: 'hook_error', hook: hookFailure.hook, error: hookFailure.error, timedOut: hookFailure.timedOut, ...hashed, ...fields });
  } else if (hookFailure.error instanceof DeadlineError) {
    reporter.log('store_unavailable', 'error', `the session store did not answer within ${hookFailure.error.ms} ms; the request got a 503`, { ...hashed, ...fields });
  }
}
