/** The identity service's routes, matched without any framework router. */
export type IdentityRoute =
  | { name: 'verify'; sessionId?: string }
  | { name: 'token'; sessionId: string; templateName: string }
  | { name: 'jwks' }
  | { name: 'sessions.create' }
  | { name: 'sessions.authenticate' }
  | { name: 'sessions.revoke' }
  | { name: 'sessions.list' }
  | { name: 'sessions.policy' }
  | { name: 'sessions.jwks'; projectId: string };

const VERIFY_SESSION = /^\/v1\/sessions\/([^/]+)\/verify\/?$/;
const CREATE_TOKEN = /^\/v1\/sessions\/([^/]+)\/tokens\/([^/]+)\/?$/;
const PROJECT_JWKS = /^\/v1\/sessions\/jwks\/([^/]+)\/?$/;

/** The first-party sessions' POST routes, by path (with or without a trailing slash). */
const SESSION_POSTS: Readonly<Record<string, IdentityRoute>> = {
  '/v1/sessions': { name: 'sessions.create' },
  '/v1/sessions/authenticate': { name: 'sessions.authenticate' },
  '/v1/sessions/revoke': { name: 'sessions.revoke' },
};

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
  if (method === 'GET' || method === 'HEAD') {
    if (path === '/.well-known/jwks.json') return { name: 'jwks' };
    if (path === '/v1/sessions' || path === '/v1/sessions/') return { name: 'sessions.list' };
    if (path === '/v1/rbac/policy') return { name: 'sessions.policy' };
    const jwks = PROJECT_JWKS.exec(path);
    return jwks === null ? undefined : { name: 'sessions.jwks', projectId: segment(jwks[1]!) };
  }
  if (method !== 'POST') return undefined;
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (Object.hasOwn(SESSION_POSTS, trimmed)) return SESSION_POSTS[trimmed];
  if (path === '/v1/sessions/verify' || path === '/v1/sessions/verify/') return { name: 'verify' };
  const verify = VERIFY_SESSION.exec(path);
  if (verify !== null) return { name: 'verify', sessionId: segment(verify[1]!) };
  const token = CREATE_TOKEN.exec(path);
  if (token !== null) return { name: 'token', sessionId: segment(token[1]!), templateName: segment(token[2]!) };
  return undefined;
}
