/** The first-party session cookies: their names, attributes, and how they are read and written. */
import { assertKnownKeys } from '../options-keys.js';
import type { ErrorFactory } from '../errors.js';

export interface SessionCookieOptions {
  /** Base name of the session JWT cookie (default `sg_session`). */
  jwt?: string;
  /** Base name of the opaque session token cookie (default `sg_session_token`). */
  token?: string;
  /** Prepend `__Host-` to both names (default true; needs `secure`). */
  hostPrefix?: boolean;
  /** Write `Secure` (default true). */
  secure?: boolean;
}

export interface SessionCookies {
  readonly jwtName: string;
  readonly tokenName: string;
  /** `; Path=/; HttpOnly; Secure; SameSite=Lax`: host-only (no Domain), the same on set and clear. */
  readonly attributes: string;
}

/** A browser keeps at most 4096 bytes of name, value and attributes per cookie. */
export const MAX_COOKIE_BYTES = 4096;

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function fail(message: string): never {
  throw new TypeError(`sessionguard: cookies: ${message}`);
}

function baseName(name: string, value: unknown, fallback: string): string {
  const chosen = value ?? fallback;
  if (typeof chosen !== 'string' || !COOKIE_NAME.test(chosen)) fail(`${name} must be a valid cookie name.`);
  if (/^__(host|secure)-/i.test(chosen)) fail(`${name} "${chosen}" carries a prefix itself: give the base name and set hostPrefix.`);
  return chosen;
}

export function resolveSessionCookies(options: SessionCookieOptions | undefined): SessionCookies {
  if (options !== undefined && (typeof options !== 'object' || options === null)) fail('cookies must be an object.');
  assertKnownKeys('cookies', options, ['jwt', 'token', 'hostPrefix', 'secure']);
  const secure = options?.secure ?? true;
  const hostPrefix = options?.hostPrefix ?? true;
  if (typeof secure !== 'boolean' || typeof hostPrefix !== 'boolean') fail('hostPrefix and secure must be true or false.');
  if (hostPrefix && !secure) fail('hostPrefix: true needs secure: true (browsers refuse a __Host- cookie without Secure); write hostPrefix: false as well.');
  const jwt = baseName('jwt', options?.jwt, 'sg_session');
  const token = baseName('token', options?.token, 'sg_session_token');
  if (jwt === token) fail('jwt and token must be different names.');
  const prefix = hostPrefix ? '__Host-' : '';
  return Object.freeze({ jwtName: prefix + jwt, tokenName: prefix + token, attributes: `; Path=/; HttpOnly${secure ? '; Secure' : ''}; SameSite=Lax` });
}

/** A `Set-Cookie` value; throws when it would not fit a browser's cookie. */
export function setCookie(cookies: SessionCookies, name: string, value: string, maxAgeSeconds: number): string {
  const header = `${name}=${value}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${cookies.attributes}`;
  if (Buffer.byteLength(header) > MAX_COOKIE_BYTES) throw new RangeError(`sessionguard: the ${name} cookie would be ${Buffer.byteLength(header)} bytes; a browser keeps at most ${MAX_COOKIE_BYTES}.`);
  return header;
}

/** Both cookies cleared, with the attributes they were set with. */
export function clearCookies(cookies: SessionCookies): string[] {
  return [`${cookies.jwtName}=; Max-Age=0${cookies.attributes}`, `${cookies.tokenName}=; Max-Age=0${cookies.attributes}`];
}

/** The first-party cookies a request sent: at most one distinct value each (else a 400). */
export interface FirstPartyCookies {
  jwt: string | undefined;
  token: string | undefined;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function single(values: string[], name: string, errors: ErrorFactory): string | undefined {
  const present = values.filter((value) => value !== '');
  const first = present[0];
  if (present.some((value) => value !== first)) throw errors.invalidRequest('duplicate_cookie', `The request has more than one different ${name} cookie.`);
  return first;
}

/** Reads both first-party cookies from the request's Cookie header lines. */
export function readFirstPartyCookies(cookieHeaders: readonly string[], cookies: SessionCookies, errors: ErrorFactory): FirstPartyCookies {
  const jwts: string[] = [];
  const tokens: string[] = [];
  for (const header of cookieHeaders) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      const name = pair.slice(0, eq).trim();
      if (name === cookies.jwtName) jwts.push(unquote(pair.slice(eq + 1).trim()));
      else if (name === cookies.tokenName) tokens.push(unquote(pair.slice(eq + 1).trim()));
    }
  }
  return { jwt: single(jwts, cookies.jwtName, errors), token: single(tokens, cookies.tokenName, errors) };
}
