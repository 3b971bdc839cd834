/** Token shape checks and unverified decoding, done before any key or signature work. */
import { isUtf8 } from 'node:buffer';

/** Tokens longer than this (8 KiB) are refused before any base64 or JSON work. */
export const MAX_TOKEN_BYTES = 8192;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type JsonObject = Record<string, unknown>;

export interface DecodedToken {
  header: JsonObject;
  payload: JsonObject;
}

export type TokenShapeProblem = 'token_too_large' | 'token_malformed';

/** Returns what is wrong with the token's outer shape, or undefined when it looks like a compact JWS. */
export function checkTokenShape(token: string): TokenShapeProblem | undefined {
  if (token.length > MAX_TOKEN_BYTES) return 'token_too_large';
  if (!COMPACT_JWS.test(token)) return 'token_malformed';
  return undefined;
}

/** The value of a base64url character (the alphabet already checked by checkTokenShape). */
function base64urlValue(code: number): number {
  if (code >= 0x61) return code - 0x61 + 26; // a-z
  if (code >= 0x41) return code === 0x5f ? 63 : code - 0x41; // A-Z, _
  return code === 0x2d ? 62 : code - 0x30 + 52; // -, 0-9
}

/**
 * Whether a segment of base64url characters is the one canonical spelling of its bytes:
 * no impossible length, and no stray low bits in a last, partial character. O(1), where
 * re-encoding the bytes to compare would cost a copy of every segment.
 */
function hasCanonicalEnd(segment: string): boolean {
  const partial = segment.length % 4;
  if (partial === 0) return true;
  if (partial === 1) return false;
  // 2 characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
  return (base64urlValue(segment.charCodeAt(segment.length - 1)) & (partial === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Decodes one canonical base64url segment to a JSON object, or undefined.
 * UTF-8 is checked strictly (isUtf8) and a byte-order mark is kept in the text,
 * where JSON.parse refuses it (RFC 8259 8.1).
 */
function decodeSegment(segment: string): JsonObject | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  if (!isUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // JSON.parse keeps the last of duplicate keys where other parsers keep the first: one token, one meaning.
  if (ambiguousKeys(text, value)) return undefined;
  return value as JsonObject;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * How many keys the objects in a valid JSON text name, duplicates included: in valid JSON,
 * a string is a key exactly when a colon follows it.
 */
function keysInText(text: string): number {
  let keys = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== QUOTE) continue;
    // Skip the string; an escape is two characters. (Bounded all the same: never a hang on bad input.)
    for (i++; i < text.length && text.charCodeAt(i) !== QUOTE; i += text.charCodeAt(i) === BACKSLASH ? 2 : 1);
    let next = i + 1;
    while (isJsonWhitespace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 0x3a /* : */) keys++;
  }
  return keys;
}

/** How many keys the parsed objects have (a duplicate collapsed into one), or -1 when one has a `__proto__` key. */
function keysInValue(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = keysInValue(item);
      if (inner < 0) return -1;
      keys += inner;
    }
    return keys;
  }
  if (Object.hasOwn(value, '__proto__')) return -1;
  for (const key of Object.keys(value)) {
    const inner = keysInValue((value as JsonObject)[key]);
    if (inner < 0) return -1;
    keys += inner + 1;
  }
  return keys;
}

/**
 * Whether a JSON text, with `parsed` what JSON.parse made of it, has a duplicate key in any
 * object (JSON.parse keeps only the last: the text names more keys than the objects have),
 * or a `__proto__` key (which some consumers turn into a prototype change).
 */
function ambiguousKeys(text: string, parsed: unknown): boolean {
  const parsedKeys = keysInValue(parsed);
  return parsedKeys < 0 || parsedKeys !== keysInText(text);
}

/** hasAmbiguousKeys() for a valid JSON text. */
export function hasAmbiguousKeys(text: string): boolean {
  return ambiguousKeys(text, JSON.parse(text));
}

/** Media types a session or access token may declare in `typ` (RFC 7519, RFC 9068); case-insensitive. */
const SESSION_TOKEN_TYPES: ReadonlySet<string> = new Set(['jwt', 'application/jwt', 'at+jwt', 'application/at+jwt']);

export type HeaderProblem = { reason: 'token_malformed' | 'kind_rejected'; message: string };

/**
 * Header members refused before any key work: no algorithm, JWS extensions
 * (`crit`, `b64`), or a `typ` naming another kind of JWT (logout, DPoP proof, SET...).
 */
export function checkHeader(header: JsonObject): HeaderProblem | undefined {
  if (typeof header.alg !== 'string') return { reason: 'token_malformed', message: 'The token header has no algorithm.' };
  if (header.crit !== undefined || header.b64 !== undefined) {
    return { reason: 'token_malformed', message: 'The token uses JWS extensions this server does not accept.' };
  }
  const typ = header.typ;
  if (typ !== undefined) {
    if (typeof typ !== 'string') return { reason: 'token_malformed', message: 'The token header "typ" is not a string.' };
    if (!SESSION_TOKEN_TYPES.has(typ.toLowerCase())) return { reason: 'kind_rejected', message: 'The token is not a session token.' };
  }
  return undefined;
}

/** The three segments of a shape-checked token, each canonical, or undefined. */
function canonicalSegments(token: string): [string, string, string] | undefined {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const segments: [string, string, string] = [token.slice(0, firstDot), token.slice(firstDot + 1, secondDot), token.slice(secondDot + 1)];
  return hasCanonicalEnd(segments[0]) && hasCanonicalEnd(segments[1]) && hasCanonicalEnd(segments[2]) ? segments : undefined;
}

/**
 * Decodes the protected header of a shape-checked token (see checkTokenShape), checking
 * that every segment is canonical base64url (the payload need not be JSON: this is the JWS layer).
 */
export function decodeProtectedHeader(token: string): JsonObject | undefined {
  const segments = canonicalSegments(token);
  return segments === undefined ? undefined : decodeSegment(segments[0]);
}

/** Decodes header and payload of a shape-checked token (see checkTokenShape) without verifying anything. */
export function decodeToken(token: string): DecodedToken | undefined {
  const segments = canonicalSegments(token);
  if (segments === undefined) return undefined;
  const header = decodeSegment(segments[0]);
  if (header === undefined) return undefined;
  const payload = decodeSegment(segments[1]);
  if (payload === undefined) return undefined;
  return { header, payload };
}
