import type { ErrorFactory } from '../errors.js';

/** A token as found on a request, with what the CSRF check needs. */
export interface Credentials {
  token: string;
  source: 'header' | 'cookie';
  /** The request method, upper case. */
  method: string;
  /** The request's Origin header, if any. */
  origin: string | undefined;
  /** Another request header as sent (first value), for the CSRF check of a cookie; absent on credentials built by hand. */
  header?(name: string): string | undefined;
  /** Whether the request came over TLS (the request's own origin is then https). */
  readonly encrypted?: boolean;
  /** The Authorization value the token came in, as sent; set by sessionguard on the credentials it finds. */
  readonly authorization?: string;
}

/** The part of a Node request (`IncomingMessage`) the extraction reads; Express, Koa and Fastify all have it, and so does `{ headers }`. */
export interface NodeRequestLike {
  method?: string | undefined;
  /** The request target (`/path?query`); read for events and log lines, never for the token. */
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Read when not empty; serverless-http builds requests with `rawHeaders: []` and real `headers`. */
  rawHeaders?: readonly string[];
  /** The connection the request came on (Node's `req.socket`): a keep-alive connection that repeats its token skips re-hashing it. */
  socket?: object | null;
}

/** The part of a Fetch API `Request` (Hono, Next.js route handlers, Bun, Deno) the extraction reads; `{ method, headers: new Headers() }` too. */
export interface FetchRequestLike {
  method?: string | undefined;
  /** The absolute URL; read for events and log lines, never for the token. */
  url?: string | undefined;
  headers: { get(name: string): string | null };
}

/** A request the verifier reads: a Node request, a Fetch `Request`, or an object with `headers`. */
export type RequestLike = NodeRequestLike | FetchRequestLike;

/** What authenticate() says when given something that is not a request: a programming error, not a 401. */
export class RequestShapeError extends TypeError {
  constructor(received: unknown) {
    const what = received === null ? 'null' : Array.isArray(received) ? 'an array' : typeof received === 'object' ? 'an object with no headers' : typeof received;
    super(`sessionguard needs a Node request, a Fetch Request or an object with headers; it got ${what}.`);
    this.name = 'TypeError';
  }
}

/** The headers the extraction reads, as sent. */
export interface SessionHeaders {
  /** The first Authorization value, and how many were sent: Node folds duplicates into one, rawHeaders does not. */
  authorization: string | undefined;
  authorizationCount: number;
  /** Every Cookie header (undefined when none: no array for the common bearer-only request). */
  cookie: string[] | undefined;
  /** Every Origin value joined with ", ", as Node's `headers.origin` has it. */
  origin: string | undefined;
}

/** Whether the header `name` is `lowerName` in any case; `titleName`, its usual spelling, is compared before lower-casing a copy. */
export function isHeader(name: string, lowerName: string, titleName?: string): boolean {
  return name.length === lowerName.length && (name === lowerName || name === titleName || name.toLowerCase() === lowerName);
}

function fromHeaderObject(headers: NodeRequestLike['headers']): SessionHeaders {
  const { authorization, cookie, origin } = headers;
  const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const authorizations = list(authorization);
  return { authorization: authorizations[0], authorizationCount: authorizations.length, cookie: list(cookie), origin: typeof origin === 'string' ? origin : undefined };
}

/**
 * A Fetch `Headers` joins repeated headers with ", ": two Authorization lines arrive as one
 * value with two credentials, which assertSingleCredential refuses (400 duplicate_authorization).
 * Repeated Cookie headers (HTTP/2 splits cookies) are split back, as cookie values hold no ", ".
 */
function fromFetchHeaders(headers: FetchRequestLike['headers']): SessionHeaders {
  const authorization = headers.get('authorization') ?? undefined;
  const cookie = headers.get('cookie');
  return {
    authorization,
    authorizationCount: authorization === undefined ? 0 : 1,
    cookie: cookie === null ? undefined : cookie.split(', '),
    origin: headers.get('origin') ?? undefined,
  };
}

/**
 * One pass over rawHeaders: reading `request.headers` would make Node build the
 * whole header object, which a bare hello-world route never pays for.
 */
export function readHeaders(request: RequestLike): SessionHeaders {
  if (typeof request !== 'object' || request === null) throw new RequestShapeError(request);
  const raw = (request as NodeRequestLike).rawHeaders;
  if (raw === undefined || raw.length === 0) {
    const headers: unknown = request.headers;
    if (typeof headers !== 'object' || headers === null) throw new RequestShapeError(request);
    return typeof (headers as FetchRequestLike['headers']).get === 'function' ? fromFetchHeaders(headers as FetchRequestLike['headers']) : fromHeaderObject(headers as NodeRequestLike['headers']);
  }
  const found: SessionHeaders = { authorization: undefined, authorizationCount: 0, cookie: undefined, origin: undefined };
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // The first letter picks the one name a header can be: Accept and Connection are never lower-cased.
    switch (name.charCodeAt(0) | 0x20) {
      case 0x61: // a
        if (isHeader(name, 'authorization', 'Authorization') && found.authorizationCount++ === 0) found.authorization = raw[i + 1] as string;
        break;
      case 0x63: // c
        if (isHeader(name, 'cookie', 'Cookie')) (found.cookie ??= []).push(raw[i + 1] as string);
        break;
      case 0x6f: // o
        if (isHeader(name, 'origin', 'Origin')) found.origin = found.origin === undefined ? (raw[i + 1] as string) : `${found.origin}, ${raw[i + 1] as string}`;
        break;
    }
  }
  return found;
}

/** Throws the TypeError when `request` is none of the shapes the verifier reads. */
export function assertRequestLike(request: unknown): asserts request is RequestLike {
  readHeaders(request as RequestLike);
}

/** RFC 6265 allows a cookie value in double quotes; the quotes are not part of it. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function cookieValues(headers: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (const header of headers) {
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      if (pair.slice(0, eq).trim() !== name) continue;
      values.push(unquote(pair.slice(eq + 1).trim()));
    }
  }
  return values;
}

/**
 * One message for two header lines and for two credentials in one line: a Fetch `Headers`
 * (Hono, Bun, Deno) joins repeated lines with ", ", so the two cannot be told apart there.
 */
const MORE_THAN_ONE_CREDENTIAL = 'The request has more than one Authorization credential.';

const WHITESPACE = /\s/;
const BEARER = 'bearer';

/** A character of a compact JWS: base64url or the dot (never whitespace). */
function isJwsChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x5f || code === 0x2e;
}

/** The credential of a `Bearer <token>` value (scheme case-insensitive), '' for a bare `Bearer`, undefined for another scheme. */
function bearerToken(header: string): string | undefined {
  // The common case, "Bearer <jws>" with nothing around it: no trimming (which scans for any Unicode space) and one slice.
  if (header.startsWith('Bearer ') && isJwsChar(header.charCodeAt(7)) && isJwsChar(header.charCodeAt(header.length - 1))) return header.slice(7);
  const value = header.trim();
  // Spaces around the token; below, any other spelling of the scheme.
  if (value.startsWith('Bearer ')) return value.slice(BEARER.length + 1).trim();
  const space = value.length > BEARER.length && value.charCodeAt(BEARER.length) === 0x20 ? BEARER.length : value.search(WHITESPACE);
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.length !== BEARER.length || scheme.toLowerCase() !== BEARER) return undefined;
  return space === -1 ? '' : value.slice(space + 1).trim();
}

/**
 * Credentials as found on a request. The method is read from the request only when
 * asked for, by the CSRF check of a cookie: on Express every property load from `req`
 * misses V8's caches (each request has a prototype of its own), and a bearer token never needs it.
 */
class FoundCredentials implements Credentials {
  // Declared, not class fields (nor parameter properties, which compile to fields): a field is
  // defined as undefined before the constructor assigns it, two writes each on every request.
  declare readonly token: string;
  declare readonly source: 'header' | 'cookie';
  declare readonly origin: string | undefined;
  declare readonly authorization: string | undefined;
  readonly #request: RequestLike;

  constructor(token: string, source: 'header' | 'cookie', origin: string | undefined, request: RequestLike, authorization?: string) {
    this.token = token;
    this.source = source;
    this.origin = origin;
    this.authorization = authorization;
    this.#request = request;
  }

  get method(): string {
    return (this.#request.method ?? 'GET').toUpperCase();
  }

  get encrypted(): boolean {
    // A Fetch Request carries its absolute URL; a Node request, its TLS socket.
    const url = (this.#request as { url?: unknown }).url;
    if (typeof url === 'string' && url.startsWith('https://')) return true;
    const socket = (this.#request as NodeRequestLike).socket as { encrypted?: unknown } | null | undefined;
    return socket?.encrypted === true;
  }

  header(name: string): string | undefined {
    return headerValue(this.#request, name);
  }
}

/** The first value of a header, read as sent (rawHeaders) when the request has them; a Fetch request through `headers.get()`. */
function headerValue(request: RequestLike, lowerName: string): string | undefined {
  const raw = (request as NodeRequestLike).rawHeaders;
  if (raw === undefined || raw.length === 0) {
    const headers = request.headers;
    if (typeof (headers as FetchRequestLike['headers']).get === 'function') return (headers as FetchRequestLike['headers']).get(lowerName) ?? undefined;
    const value = (headers as NodeRequestLike['headers'])[lowerName];
    return Array.isArray(value) ? value[0] : value;
  }
  for (let i = 0; i + 1 < raw.length; i += 2) if (isHeader(raw[i] as string, lowerName)) return raw[i + 1] as string;
  return undefined;
}

/**
 * Finds the session token: the Authorization Bearer header first, then the
 * session cookie. Returns undefined when there is none; throws a 400 when the
 * request is ambiguous. Query string and body are never read.
 */
export function extractCredentials(request: RequestLike, cookieName: string, errors: ErrorFactory): Credentials | undefined {
  return credentialsFrom(readHeaders(request), request, cookieName, errors);
}

/** extractCredentials() from the request's headers, already read. */
export function credentialsFrom(headers: SessionHeaders, request: RequestLike, cookieName: string, errors: ErrorFactory): Credentials | undefined {
  const origin = headers.origin;

  if (headers.authorizationCount > 1) {
    throw errors.invalidRequest('duplicate_authorization', MORE_THAN_ONE_CREDENTIAL);
  }
  if (headers.authorization !== undefined) {
    const token = bearerToken(headers.authorization);
    if (token === '') throw errors.invalidRequest('empty_bearer', 'The Authorization header has the Bearer scheme but no token.');
    // Whether the header carries more than one credential is checked by assertSingleCredential,
    // on the verifier's cache-miss path: a cached token was a single well-formed JWS already.
    if (token !== undefined) return new FoundCredentials(token, 'header', origin, request, headers.authorization);
    // Another scheme (Basic, ...) is not ours: as if no Authorization header was sent.
  }

  if (headers.cookie === undefined) return undefined;
  const cookies = cookieValues(headers.cookie, cookieName);
  if (cookies.length === 0) return undefined;
  const first = cookies[0] as string;
  if (cookies.some((value) => value !== first)) {
    throw errors.invalidRequest('duplicate_cookie', `The request has more than one different ${cookieName} cookie.`);
  }
  if (first === '') return undefined;
  return new FoundCredentials(first, 'cookie', origin, request);
}

/**
 * `Bearer a, Bearer b` or a credential with spaces in it is ambiguous: a 400, before any
 * verification. Only needed for tokens not in the verified-token cache.
 */
export function assertSingleCredential(credentials: Credentials, errors: ErrorFactory): void {
  if (credentials.source === 'header' && /[\s,]/.test(credentials.token)) {
    throw errors.invalidRequest('duplicate_authorization', MORE_THAN_ONE_CREDENTIAL);
  }
}

/** The Cookie header lines of a request, and whether it sends an Authorization credential of ours (first-party sessions read these). */
export function cookieHeadersOf(request: RequestLike): { cookies: readonly string[]; bearer: boolean; origin: string | undefined } {
  const headers = readHeaders(request);
  const bearer = headers.authorizationCount > 0 && headers.authorization !== undefined && bearerToken(headers.authorization) !== undefined;
  return { cookies: headers.cookie ?? [], bearer, origin: headers.origin };
}

/** Credentials for a token the request sends in its one Authorization value (see TokenCache.repeatedOn). */
export function headerCredentials(request: RequestLike, token: string, headers: SessionHeaders): Credentials {
  return new FoundCredentials(token, 'header', headers.origin, request, headers.authorization);
}

/** Credentials for a token taken from one of the request's cookies (the CSRF check reads the request's method and origin). */
export function cookieCredentials(request: RequestLike, token: string, origin: string | undefined = readHeaders(request).origin): Credentials {
  return new FoundCredentials(token, 'cookie', origin, request);
}

/**
 * Found credentials as a plain object with every field its own (the hot path's read the method
 * only when asked); `header` and `encrypted` go with it, so verify(credentials) can still run the
 * CSRF check against the request's own origin.
 */
export function plainCredentials(found: Credentials): Credentials {
  const header = (name: string): string | undefined => found.header?.(name);
  return { token: found.token, source: found.source, method: found.method, origin: found.origin, header, encrypted: found.encrypted === true };
}
