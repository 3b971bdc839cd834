/** Scope guards: exact, case-sensitive matching of space-delimited scopes (RFC 6750 insufficient_scope). */
import type { GuardCheck } from './check.js';
import { scopeList } from './validate.js';

/** All of the scopes (space-separated or a list), exact and case-sensitive. */
export function requireScope(scopes: string | readonly string[]): GuardCheck<unknown> {
  const required = scopeList('requireScope', scopes, { split: true });
  return (principal, _request, { errors }) => {
    if (!required.every((scope) => principal.scopes.includes(scope))) throw errors.insufficientScope(required);
  };
}

/** At least one of the scopes. */
export function requireAnyScope(scopes: readonly string[]): GuardCheck<unknown> {
  const required = scopeList('requireAnyScope', scopes, { split: false });
  return (principal, _request, { errors }) => {
    if (!required.some((scope) => principal.scopes.includes(scope))) throw errors.insufficientScope(required, 'any');
  };
}
