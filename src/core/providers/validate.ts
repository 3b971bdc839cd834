/** Construction-time checks for provider options: bad configuration fails loudly, at start-up. */
import { ALGORITHMS, SUPPORTED_ALGORITHMS } from '../keys/algorithms.js';


export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;

export function configError(where: string, message: string): TypeError {
  return new TypeError(`sessionguard: ${where}: ${message}`);
}

export function validateAlgorithms(where: string, algorithms: readonly string[] | undefined, fallback: readonly string[]): readonly string[] {
  const list = algorithms ?? fallback;
  if (!Array.isArray(list) || list.length === 0) {
    throw configError(where, 'algorithms must be a non-empty list, e.g. ["RS256"].');
  }
  for (const alg of list) {
    if (typeof alg !== 'string') throw configError(where, 'every algorithm must be a string.');
    if (alg.toLowerCase() === 'none') throw configError(where, 'the "none" algorithm is never accepted.');
    if (/^HS/i.test(alg)) {
      throw configError(where, `${alg} is symmetric and cannot be used with a public key set; use RS256, ES256 or EdDSA.`);
    }
    if (!ALGORITHMS.has(alg)) {
      throw configError(where, `unsupported algorithm "${alg}"; supported: ${SUPPORTED_ALGORITHMS.join(', ')}.`);
    }
  }
  return Object.freeze([...new Set(list)]);
}

export function validateClockTolerance(where: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw configError(where, `clockToleranceSeconds must be a finite number from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}.`);
  }
  return value;
}

export const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Key sets travel over https; plain http only to this machine (tests, sidecars). */
export function validateKeySetUrl(where: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(where, `jwksUrl "${value}" is not a valid URL.`);
  }
  if (url.protocol === 'https:') return url.toString();
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname)) return url.toString();
  throw configError(where, `jwksUrl must use https (plain http is allowed only on loopback), got "${url.protocol}//${url.host}".`);
}

export function validateNonEmptyString(where: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw configError(where, `${field} must be a non-empty string.`);
  return value;
}

export function validateStringList(where: string, field: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    throw configError(where, `${field} must be a non-empty string or a non-empty list of non-empty strings.`);
  }
  return Object.freeze([...list] as string[]);
}
