import type { FetchRequestLike, NodeRequestLike, RequestLike } from './credentials.js';

/** What an event or a log line says about the request it came from, to join it with the app's own logs. */
export interface RequestFields {
  /** The request method, upper case. */
  method?: string;
  /** The path, without its query string (which may hold secrets). */
  path?: string;
  /** The request id from the `requestIdHeader` header (else the `id` a request logger set on the request), when it is a sane one. */
  requestId?: string;
}

const MAX_REQUEST_ID = 128;
/** Visible ASCII only: an id with spaces, control characters or non-ASCII could forge or split a log line. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const MAX_PATH = 2048;

/** From rawHeaders when the request has them (Node builds `headers` on first read); a repeated header is no id. */
function headerValue(request: RequestLike, name: string): unknown {
  const raw = (request as NodeRequestLike).rawHeaders;
  if (raw !== undefined && raw.length > 0) {
    let found: string | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if ((raw[i] as string).toLowerCase() !== name) continue;
      if (found !== undefined) return undefined;
      found = raw[i + 1];
    }
    return found;
  }
  const headers: unknown = request.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as FetchRequestLike['headers']).get === 'function') return (headers as FetchRequestLike['headers']).get(name) ?? undefined;
  return (headers as NodeRequestLike['headers'])[name];
}

/** `/a/b?x=1` and `https://host/a/b?x=1` (a Fetch Request, an absolute-form target) both give `/a/b`. */
function pathOf(url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  let path = url;
  if (!url.startsWith('/')) {
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
  }
  const query = path.search(/[?#]/);
  if (query !== -1) path = path.slice(0, query);
  return path.length > MAX_PATH ? path.slice(0, MAX_PATH) : path;
}

/**
 * The request's method, path and id, read only when an event or a log line needs them. Express
 * rewrites `req.url` inside a router, so its `originalUrl` (the path as sent) is read first.
 */
export function requestFields(request: RequestLike | undefined, requestIdHeader: string): RequestFields {
  if (typeof request !== 'object' || request === null) return {};
  const fields: RequestFields = {};
  const method = request.method;
  if (typeof method === 'string' && method !== '') fields.method = method.toUpperCase();
  const target = request as { originalUrl?: unknown; url?: unknown };
  const path = pathOf(target.originalUrl ?? target.url);
  if (path !== undefined) fields.path = path;
  // Without the header, an id the app's request logger already gave the Node request (pino-http, express-request-id).
  let id = headerValue(request, requestIdHeader);
  if (id === undefined) id = (request as { id?: unknown }).id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) id = String(id);
  if (typeof id === 'string' && id.length <= MAX_REQUEST_ID && VISIBLE_ASCII.test(id)) fields.requestId = id;
  return fields;
}
