import type { ErrorFactory } from './errors.js';

/** A token as found on a request, with what the CSRF check needs. */
export interface Credentials {
  token: string;
  source: 'header' | 'cookie';
  /** The request method, upper case. */
  method: string;
  /** The request's Origin header, if any. */
  origin: string | undefined;
}

/** The part of a Node request (`IncomingMessage`) the extraction reads; Express and Koa both have it. */
export interface RequestLike {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders?: readonly string[];
}

/** Every value of a header, as sent: Node folds duplicate Authorization headers into one. */
function headerValues(request: RequestLike, lowerName: string): string[] {
  const raw = request.rawHeaders;
  if (raw !== undefined) {
    const values: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i] as string;
      // Length first: most headers are skipped without lower-casing their name.
      if (name.length === lowerName.length && name.toLowerCase() === lowerName) values.push(raw[i + 1] as string);
    }
    return values;
  }
  const value = request.headers[lowerName];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** RFC 6265 allows a cookie value in double quotes; the quotes are not part of it. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function cookieValues(request: RequestLike, name: string): string[] {
  const values: string[] = [];
  for (const header of headerValues(request, 'cookie')) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      if (pair.slice(0, eq).trim() !== name) continue;
      values.push(unquote(pair.slice(eq + 1).trim()));
    }
  }
  return values;
}

const BEARER = /^bearer$/i;

/**
 * Finds the session token: the Authorization Bearer header first, then the
 * session cookie. Returns undefined when there is none; throws a 400 when the
 * request is ambiguous. Query string and body are never read.
 */
export function extractCredentials(request: RequestLike, cookieName: string, errors: ErrorFactory): Credentials | undefined {
  const method = (request.method ?? 'GET').toUpperCase();
  const originHeader = request.headers.origin;
  const origin = typeof originHeader === 'string' ? originHeader : undefined;

  const authorization = headerValues(request, 'authorization');
  if (authorization.length > 1) {
    throw errors.invalidRequest('duplicate_authorization', 'The request has more than one Authorization header.');
  }
  if (authorization.length === 1) {
    const value = (authorization[0] as string).trim();
    const space = value.search(/\s/);
    const scheme = space === -1 ? value : value.slice(0, space);
    if (BEARER.test(scheme)) {
      const token = space === -1 ? '' : value.slice(space + 1).trim();
      if (token === '') throw errors.invalidRequest('empty_bearer', 'The Authorization header has the Bearer scheme but no token.');
      // Whether the header carries more than one credential is checked by assertSingleCredential,
      // on the verifier's cache-miss path: a cached token was a single well-formed JWS already.
      return { token, source: 'header', method, origin };
    }
    // Another scheme (Basic, ...) is not ours: as if no Authorization header was sent.
  }

  const cookies = cookieValues(request, cookieName);
  if (cookies.length === 0) return undefined;
  const first = cookies[0] as string;
  if (cookies.some((value) => value !== first)) {
    throw errors.invalidRequest('duplicate_cookie', `The request has more than one different ${cookieName} cookie.`);
  }
  if (first === '') return undefined;
  return { token: first, source: 'cookie', method, origin };
}

/**
 * `Bearer a, Bearer b` or a credential with spaces in it is ambiguous: a 400, before any
 * verification. Only needed for tokens not in the verified-token cache.
 */
export function assertSingleCredential(credentials: Credentials, errors: ErrorFactory): void {
  if (credentials.source === 'header' && /[\s,]/.test(credentials.token)) {
    throw errors.invalidRequest('duplicate_authorization', 'The Authorization header carries more than one credential.');
  }
}
