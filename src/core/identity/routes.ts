/** The identity service's routes, matched without any framework router. */
export type IdentityRoute =
  | { name: 'verify'; sessionId?: string }
  | { name: 'token'; sessionId: string; templateName: string }
  | { name: 'jwks' };

const VERIFY_SESSION = /^\/v1\/sessions\/([^/]+)\/verify\/?$/;
const CREATE_TOKEN = /^\/v1\/sessions\/([^/]+)\/tokens\/([^/]+)\/?$/;

/** Thrown for a path segment that is not valid percent-encoding (a 400 for the caller). */
export class BadPathError extends Error {}

function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadPathError('path segment is not valid percent-encoding');
  }
}

/** The route a request is for, or undefined when it is not one of the identity service's. */
export function matchIdentityRoute(method: string | undefined, path: string): IdentityRoute | undefined {
  if (method === 'GET' || method === 'HEAD') return path === '/.well-known/jwks.json' ? { name: 'jwks' } : undefined;
  if (method !== 'POST') return undefined;
  if (path === '/v1/sessions/verify' || path === '/v1/sessions/verify/') return { name: 'verify' };
  const verify = VERIFY_SESSION.exec(path);
  if (verify !== null) return { name: 'verify', sessionId: segment(verify[1]!) };
  const token = CREATE_TOKEN.exec(path);
  if (token !== null) return { name: 'token', sessionId: segment(token[1]!), templateName: segment(token[2]!) };
  return undefined;
}
