/** Token shape checks and unverified decoding, done before any key or signature work. */

/** Tokens longer than this are refused before any base64 or JSON work (CONTRACT 1.7). */
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

// ignoreBOM: true keeps a byte-order mark in the text, where JSON.parse refuses it (RFC 8259 8.1).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes one base64url segment to a JSON object, or undefined. Non-canonical
 * encodings (stray low bits, impossible lengths) are refused so one token has
 * exactly one spelling.
 */
function decodeSegment(segment: string): JsonObject | undefined {
  if (segment.length % 4 === 1) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  // JSON.parse keeps the last of duplicate keys where other parsers keep the first: one token, one meaning.
  if (hasAmbiguousKeys(text)) return undefined;
  return value as JsonObject;
}

/**
 * Whether a valid JSON text has a duplicate key in any object, or a
 * `__proto__` key (which some consumers turn into a prototype change).
 * Runs only after JSON.parse accepted the text, so the scan can stay simple.
 */
export function hasAmbiguousKeys(text: string): boolean {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        // Decode escapes: "a" and "\u0061" are the same key.
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (key === '__proto__' || keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      open.push(null);
      expectKey = false;
    } else if (char === '}' || char === ']') {
      open.pop();
      expectKey = false;
    } else if (char === ',') {
      expectKey = open.length > 0 && open[open.length - 1] !== null;
    }
  }
  return false;
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

/** Whether a base64url segment is the one canonical spelling of its bytes. */
export function isCanonicalBase64Url(segment: string): boolean {
  if (segment.length % 4 === 1) return false;
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

/**
 * Decodes the protected header of a shape-checked token, checking that the
 * payload and signature are canonical base64url (the payload need not be JSON:
 * this is the JWS layer).
 */
export function decodeProtectedHeader(token: string): JsonObject | undefined {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (!isCanonicalBase64Url(token.slice(firstDot + 1, secondDot)) || !isCanonicalBase64Url(token.slice(secondDot + 1))) return undefined;
  return decodeSegment(token.slice(0, firstDot));
}

/** Decodes header and payload of a shape-checked token without verifying anything. */
export function decodeToken(token: string): DecodedToken | undefined {
  const header = decodeProtectedHeader(token);
  if (header === undefined) return undefined;
  const firstDot = token.indexOf('.');
  const payload = decodeSegment(token.slice(firstDot + 1, token.indexOf('.', firstDot + 1)));
  if (payload === undefined) return undefined;
  return { header, payload };
}
