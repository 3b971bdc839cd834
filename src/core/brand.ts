/**
 * Brands that mark sessionguard's objects across copies of the library: the CommonJS and
 * ESM builds of one install (a dual-package app can load both), or two installs. `instanceof`
 * only knows its own copy's class; a `Symbol.for` key is the same in every copy.
 */
export const SESSION_ERROR_BRAND = Symbol.for('sessionguard.SessionError');
export const SESSION_VERIFIER_BRAND = Symbol.for('sessionguard.SessionVerifier');

/** Whether `value` carries `brand` (true on its class's prototype). */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** Marks a class's instances with `brand`, and makes `instanceof` on it recognise instances of every copy. */
export function brandClass(target: abstract new (...args: never[]) => object, brand: symbol): void {
  Object.defineProperty(target.prototype, brand, { value: true });
  Object.defineProperty(target, Symbol.hasInstance, { value: (value: unknown) => hasBrand(value, brand) });
}
