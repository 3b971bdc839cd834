/** Guards that match the principal against a value fixed at mount time or read from the request. */
import type { GuardCheck, RequestValue } from './check.js';
import { valueOrResolver } from './validate.js';

function resolve<R>(value: RequestValue<R>, request: R): unknown {
  return typeof value === 'string' ? value : value(request);
}

/** The principal's brand must equal the brand (fixed or read from the request); no brand never matches. */
export function requireBrand<R>(brand: RequestValue<R>): GuardCheck<R> {
  const expected = valueOrResolver<(request: R) => unknown>('requireBrand', 'brand id', brand);
  return (principal, request, { errors }) => {
    const wanted = resolve(expected, request);
    if (principal.brandId === null || typeof wanted !== 'string' || principal.brandId !== wanted) {
      throw errors.forbidden('brand_mismatch', 'This session belongs to another brand.');
    }
  };
}

/** The token must belong to the session (Clerk's VerifySession rule); a token without `sid` never matches. */
export function requireSession<R>(sessionId: RequestValue<R>): GuardCheck<R> {
  const expected = valueOrResolver<(request: R) => unknown>('requireSession', 'session id', sessionId);
  return (principal, request, { errors }) => {
    const wanted = resolve(expected, request);
    if (principal.sessionId === null || typeof wanted !== 'string' || principal.sessionId !== wanted) {
      throw errors.forbidden('session_mismatch', 'This token does not belong to the requested session.');
    }
  };
}
