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

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

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
  return value as JsonObject;
}

/** Whether a base64url segment is the one canonical spelling of its bytes. */
export function isCanonicalBase64Url(segment: string): boolean {
  if (segment.length % 4 === 1) return false;
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

/** Decodes header and payload of a shape-checked token without verifying anything. */
export function decodeToken(token: string): DecodedToken | undefined {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const header = decodeSegment(token.slice(0, firstDot));
  if (header === undefined) return undefined;
  const payload = decodeSegment(token.slice(firstDot + 1, secondDot));
  if (payload === undefined) return undefined;
  if (!isCanonicalBase64Url(token.slice(secondDot + 1))) return undefined;
  return { header, payload };
}
