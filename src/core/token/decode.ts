/** Token shape checks and unverified decoding, done before any key or signature work. */
import { isUtf8 } from 'node:buffer';
import { parseJsonObject } from './strict-json.js';

/** Tokens longer than this (8 KiB) are refused before any base64 or JSON work. */
export const MAX_TOKEN_BYTES = 8192;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type { JsonObject } from './strict-json.js';
import type { JsonObject } from './strict-json.js';

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
 * Whether the segment `token[start, end)` of base64url characters is the one canonical spelling
 * of its bytes: no impossible length, and no stray low bits in a last, partial character. O(1),
 * where re-encoding the bytes to compare would cost a copy of every segment.
 */
function hasCanonicalEnd(token: string, start: number, end: number): boolean {
  const partial = (end - start) % 4;
  if (partial === 0) return true;
  if (partial === 1) return false;
  // 2 characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
  return (base64urlValue(token.charCodeAt(end - 1)) & (partial === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Decodes one canonical base64url segment to a JSON object, or undefined.
 * UTF-8 is checked strictly (isUtf8) and a byte-order mark is kept in the text,
 * where JSON.parse refuses it (RFC 8259 8.1).
 */
function decodeSegment(segment: string): JsonObject | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  if (!isUtf8(bytes)) return undefined;
  return parseJsonObject(bytes.toString('utf8'));
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

/** The two dots of a shape-checked token when all three segments are canonical, or undefined. */
function canonicalDots(token: string): { first: number; second: number } | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const canonical = hasCanonicalEnd(token, 0, first) && hasCanonicalEnd(token, first + 1, second) && hasCanonicalEnd(token, second + 1, token.length);
  return canonical ? { first, second } : undefined;
}

/**
 * Decodes the protected header of a shape-checked token (see checkTokenShape), checking
 * that every segment is canonical base64url (the payload need not be JSON: this is the JWS layer).
 */
export function decodeProtectedHeader(token: string): JsonObject | undefined {
  const dots = canonicalDots(token);
  return dots === undefined ? undefined : decodeSegment(token.slice(0, dots.first));
}

/** Header segments are memoised up to this length (a real header is well under 200 characters). */
const MEMO_SEGMENT_MAX = 512;
const MEMO_MAX = 64;
/**
 * Decoded protected headers by their segment: every token signed with one key has the same
 * header, so it is decoded once (decoding freezes it: every token with that header shares it);
 * bounded (cleared when full: an attacker's headers only cost the memo its hits). The last one
 * found is checked first, by comparing the token's start with it, without slicing or hashing.
 */
const decodedHeaders = new Map<string, JsonObject>();
let lastHeader: { segment: string; header: JsonObject } | undefined;

function decodeHeader(token: string, end: number): JsonObject | undefined {
  const last = lastHeader;
  if (last !== undefined && last.segment.length === end && token.startsWith(last.segment)) return last.header;
  const segment = token.slice(0, end);
  let header = decodedHeaders.get(segment);
  if (header === undefined) {
    header = decodeSegment(segment);
    if (header === undefined || segment.length > MEMO_SEGMENT_MAX) return header;
    if (decodedHeaders.size >= MEMO_MAX) decodedHeaders.clear();
    decodedHeaders.set(segment, header);
  }
  lastHeader = { segment, header };
  return header;
}

/** Decodes header and payload of a shape-checked token (see checkTokenShape) without verifying anything. */
export function decodeToken(token: string): DecodedToken | undefined {
  const dots = canonicalDots(token);
  if (dots === undefined) return undefined;
  const header = decodeHeader(token, dots.first);
  if (header === undefined) return undefined;
  const payload = decodeSegment(token.slice(dots.first + 1, dots.second));
  if (payload === undefined) return undefined;
  return { header, payload };
}
