import type { ErrorFactory } from '../errors.js';
import { HookFailure } from '../hook-failure.js';
import { assertRequestLike, extractCredentials, type Credentials, type RequestLike } from './credentials.js';

const RETRY_AFTER_SECONDS = 5;

/**
 * The token of the app's `getToken`, as a header token: the browser does not attach it on its
 * own, so no CSRF check applies (the app's function must not read it from a cookie). The size and
 * shape checks still run on it. A function that throws or answers something other than a string
 * is the app's bug: a 503 (never a 500), reported like a failing hook.
 */
export function customCredentials(getToken: (request: RequestLike) => unknown, request: RequestLike, errors: ErrorFactory): Credentials | undefined {
  let token: unknown;
  try {
    token = getToken(request);
    if (token !== undefined && token !== null && typeof token !== 'string') throw new TypeError('getToken returned neither a string nor undefined');
  } catch (error) {
    throw errors.serviceUnavailable('token_source_failed', 'The session token could not be read.', RETRY_AFTER_SECONDS, new HookFailure('getToken', error));
  }
  if (typeof token !== 'string' || token === '') return undefined;
  return { token, source: 'header', method: (request.method ?? 'GET').toUpperCase(), origin: undefined };
}

/** The app's getToken when set (the only source then), else the Authorization header, then the cookie. */
export function findCredentials(request: RequestLike, getToken: ((request: RequestLike) => unknown) | undefined, cookieName: string, errors: ErrorFactory): Credentials | undefined {
  if (getToken === undefined) return extractCredentials(request, cookieName, errors);
  assertRequestLike(request);
  return customCredentials(getToken, request, errors);
}
