/** Token shape checks and unverified decoding, done before any key or signature work. */
import { isUtf8 } from 'node:buffer';
import { parseJsonObject } from './strict-json.js';
import { viewsByLength } from '../views-by-length.js';

/** Tokens longer than this (8 KiB) are refused before any base64 or JSON work. */
export const MAX_TOKEN_BYTES = 8192;

export type { JsonObject } from './strict-json.js';
import type { JsonObject } from './strict-json.js';

export interface DecodedToken {
  header: JsonObject;
  payload: JsonObject;
  /**
   * The signature's bytes (canonical base64url, like the other segments). Decoded with
   * `sharedSignature`, a view of a buffer the next such decoding overwrites: copy it to keep it past an await.
   */
  signature: Buffer;
}

export type TokenShapeProblem = 'token_too_large' | 'token_malformed';

/**
 * A character above U+00FF. A regular expression, not Buffer.byteLength: V8 answers it for a
 * Latin-1 string without reading it (15 ns, where counting UTF-8 bytes read all of it: 110 ns).
 */
const WIDE_CHARACTER = /[\u0100-\uffff]/;

/**
 * Returns what is wrong with the token's outer shape, or undefined when it looks like a compact
 * JWS: three non-empty segments, no character above U+00FF, no `+` or `/`. The rest of the
 * base64url alphabet is checked where each segment is decoded (see decodedFully): matching the
 * whole token against the alphabet cost each cache miss more than all of these scans together.
 */
export function checkTokenShape(token: string): TokenShapeProblem | undefined {
  if (token.length > MAX_TOKEN_BYTES) return 'token_too_large';
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 1 || second < first + 2 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) return 'token_malformed';
  // Node's base64 decoders read only the low byte of a character above U+00FF ('Ł' as 'A'): none
  // of those. (U+0080 to U+00FF are outside the alphabet, so their segment fails decodedFully.)
  if (WIDE_CHARACTER.test(token)) return 'token_malformed';
  // Base64, not base64url: Node's base64url decoder takes them as '-' and '_'.
  if (token.includes('+') || token.includes('/')) return 'token_malformed';
  return undefined;
}

/** The bytes `chars` base64url characters (without padding) carry. */
function bytesOf(chars: number): number {
  return Math.floor((chars * 3) / 4);
}

/**
 * Whether a segment's decoding used every character: Node's base64url decoder skips a character
 * outside the alphabet (space, comma, `=`, `!`...) or stops at it, so the decoded bytes fall
 * short of what the segment's length promises. (`+`, `/` and non-ASCII: see checkTokenShape.)
 */
function decodedFully(segmentLength: number, written: number): boolean {
  return written === bytesOf(segmentLength);
}

/** The value of a base64url character (any other character fails decodedFully). */
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

/** Payload bytes are decoded here and read into a string at once: no buffer per token. */
const scratch = Buffer.allocUnsafe(bytesOf(MAX_TOKEN_BYTES));

/**
 * Decodes the base64url segment `token[start, end)` to a JSON object, or undefined. UTF-8 is
 * checked strictly: a decoding without U+FFFD had none to replace (isUtf8 decides the rare text
 * with one). A byte-order mark is kept in the text, where JSON.parse refuses it (RFC 8259 8.1).
 */
function decodeSegment(token: string, start: number, end: number): JsonObject | undefined {
  const segment = token.slice(start, end);
  let bytes = scratch;
  let written: number;
  // A segment longer than any shape-checked token's (a caller that decodes without checkTokenShape) gets a buffer of its own.
  if (end - start > MAX_TOKEN_BYTES) written = (bytes = Buffer.from(segment, 'base64url')).length;
  else written = scratch.write(segment, 'base64url');
  if (!decodedFully(end - start, written)) return undefined;
  const text = bytes.toString('utf8', 0, written);
  if (text.includes('\uFFFD') && !isUtf8(bytes.subarray(0, written))) return undefined;
  return parseJsonObject(text);
}

/** The bytes of the base64url segment `token[start, end)` (to the token's end by default), or undefined. */
function decodeBytes(token: string, start: number, end = token.length): Buffer | undefined {
  const bytes = Buffer.from(token.slice(start, end), 'base64url');
  return decodedFully(end - start, bytes.length) ? bytes : undefined;
}

/** Signatures decoded with `sharedSignature` are written here (an algorithm's signatures have one length). */
const signatureScratch = Buffer.allocUnsafe(bytesOf(MAX_TOKEN_BYTES));
const signatureOfLength = viewsByLength(signatureScratch);

function sharedBytes(token: string, start: number): Buffer | undefined {
  const length = token.length - start;
  if (length > MAX_TOKEN_BYTES) return decodeBytes(token, start);
  const written = signatureScratch.write(token.slice(start), 'base64url');
  return decodedFully(length, written) ? signatureOfLength(written) : undefined;
}

/** Media types a session or access token may declare in `typ` (RFC 7519, RFC 9068); case-insensitive. */
const SESSION_TOKEN_TYPES: ReadonlySet<string> = new Set(['jwt', 'application/jwt', 'at+jwt', 'application/at+jwt']);

export type HeaderProblem = { reason: 'token_malformed' | 'kind_rejected'; message: string };

/**
 * Header members refused before any key work: no algorithm, JWS extensions
 * (`crit`, `b64`), or a `typ` naming another kind of JWT (logout, DPoP proof, SET...).
 */
export function checkHeader(header: JsonObject): HeaderProblem | undefined {
  // Decoded headers are frozen and shared (see decodeHeader): the one last found acceptable still is.
  if (header === lastAcceptedHeader) return undefined;
  const problem = headerProblem(header);
  if (problem === undefined) lastAcceptedHeader = header;
  return problem;
}

let lastAcceptedHeader: JsonObject | undefined;

function headerProblem(header: JsonObject): HeaderProblem | undefined {
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

/** Whether the dots are a compact JWS's two and all three segments end canonically (see hasCanonicalEnd). */
function canonicalEnds(token: string, first: number, second: number): boolean {
  return first > 0 && second > first && hasCanonicalEnd(token, 0, first) && hasCanonicalEnd(token, first + 1, second) && hasCanonicalEnd(token, second + 1, token.length);
}

/**
 * The protected header and signature of a shape-checked token (see checkTokenShape), checking
 * that every segment is canonical base64url; the payload need not be JSON (this is the JWS layer).
 */
export function decodeJws(token: string): { header: JsonObject; signature: Buffer } | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (!canonicalEnds(token, first, second)) return undefined;
  if (decodeBytes(token, first + 1, second) === undefined) return undefined;
  const header = decodeHeader(token, first);
  if (header === undefined) return undefined;
  const signature = decodeBytes(token, second + 1);
  return signature === undefined ? undefined : { header, signature };
}

/** Header segments are memoised up to this length (a real header is well under 200 characters). */
const MEMO_SEGMENT_MAX = 512;
const MEMO_MAX = 64;
/**
 * Decoded protected headers by their segment: every token signed with one key has the same
 * header, so it is decoded once (decoding freezes it: every token with that header shares it);
 * bounded (cleared when full: an attacker's headers only cost the memo its hits). The last one
 * found is checked first, by comparing the token's start with it, without hashing.
 */
const decodedHeaders = new Map<string, JsonObject>();
let lastHeader: { segment: string; header: JsonObject } | undefined;

function decodeHeader(token: string, end: number): JsonObject | undefined {
  const last = lastHeader;
  // slice and ===, not startsWith: V8's startsWith took 0.35 µs per token here (the remembered segment is itself a slice).
  if (last !== undefined && last.segment.length === end && token.slice(0, end) === last.segment) return last.header;
  const segment = token.slice(0, end);
  let header = decodedHeaders.get(segment);
  if (header === undefined) {
    header = decodeSegment(segment, 0, end);
    if (header === undefined || segment.length > MEMO_SEGMENT_MAX) return header;
    if (decodedHeaders.size >= MEMO_MAX) decodedHeaders.clear();
    decodedHeaders.set(segment, header);
  }
  lastHeader = { segment, header };
  return header;
}

/**
 * Decodes header and payload of a shape-checked token (see checkTokenShape) without verifying
 * anything, and the signature's bytes; undefined when a segment is not canonical base64url or
 * the header or payload not a JSON object. `sharedSignature`: see DecodedToken.signature.
 */
export function decodeToken(token: string, sharedSignature = false): DecodedToken | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (!canonicalEnds(token, first, second)) return undefined;
  const header = decodeHeader(token, first);
  if (header === undefined) return undefined;
  const payload = decodeSegment(token, first + 1, second);
  if (payload === undefined) return undefined;
  const signature = sharedSignature ? sharedBytes(token, second + 1) : decodeBytes(token, second + 1);
  if (signature === undefined) return undefined;
  return { header, payload, signature };
}
