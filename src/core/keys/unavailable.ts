import { SessionError, type ErrorFactory } from '../errors.js';
import { KeySetUnavailableError } from './key-set.js';

const RETRY_AFTER_SECONDS = 5;

/** Anything thrown while authenticating, as the SessionError to answer with: keys that can't be had are a 503, anything unexpected a 503 too. */
export function toSessionError(errors: ErrorFactory, error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  if (error instanceof KeySetUnavailableError) {
    return errors.serviceUnavailable('jwks_unavailable', 'The signing keys cannot be fetched right now.', error.retryAfterSeconds);
  }
  return errors.serviceUnavailable('internal_error', 'The session could not be checked.', RETRY_AFTER_SECONDS);
}
