/** Checks of guard arguments, run when a guard is mounted so a typo fails at start-up. */

export function guardArgumentError(guard: string, message: string): never {
  throw new TypeError(`sessionguard: ${guard}() ${message}`);
}

/** RFC 6749 scope-token: printable ASCII except space, `"` and `\` (it is quoted in WWW-Authenticate). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function scopeList(guard: string, value: unknown, { split }: { split: boolean }): string[] {
  const items = typeof value === 'string' && split ? value.split(/\s+/).filter((scope) => scope !== '') : value;
  const expected = split ? 'a space-separated string of scopes, e.g. "read write", or a list of scopes' : "a list of scopes, e.g. ['read', 'write']";
  if (!Array.isArray(items) || items.length === 0) guardArgumentError(guard, `needs ${expected}.`);
  for (const scope of items) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      guardArgumentError(guard, `was given an invalid scope ${JSON.stringify(scope) ?? String(scope)}: scopes are non-empty, without spaces or quotes.`);
    }
  }
  return [...new Set(items as string[])];
}

export function nameList(guard: string, what: string, value: unknown): string[] {
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || items.length === 0) guardArgumentError(guard, `needs a ${what} or a non-empty list of ${what}s.`);
  for (const name of items) {
    if (typeof name !== 'string' || name === '' || /\s/.test(name)) guardArgumentError(guard, `needs ${what} names that are non-empty strings without spaces.`);
  }
  return [...new Set(items as string[])];
}

export function concreteName(guard: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') guardArgumentError(guard, `needs ${field} as a non-empty string.`);
  if (value === '*') guardArgumentError(guard, `needs a concrete ${field}: "*" is a wildcard for the rbac policy only.`);
  return value;
}

/** A fixed value, or a function of the request that gives it (e.g. from a route parameter). */
export function valueOrResolver<F extends (...args: never[]) => unknown>(guard: string, what: string, value: unknown): string | F {
  if (typeof value === 'function') return value as F;
  if (typeof value === 'string' && value !== '') return value;
  return guardArgumentError(guard, `needs the ${what} as a non-empty string or a function of the request that returns it.`);
}
