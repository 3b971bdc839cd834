/**
 * Which request sessionguard's core reads on Hono. On @hono/node-server, `c.env.incoming` is the
 * Node request that `c.req.raw` was made from: the core reads its rawHeaders in one pass (reading
 * `c.req.raw.headers` makes the server build a Fetch `Headers` per request), tells two
 * Authorization lines apart, and keeps its keep-alive memo on its socket, as on Express. Elsewhere
 * (Bun, Deno, Workers, `app.request()`), the Fetch Request.
 */
import type { Context } from 'hono';
import type { SessionVerifier } from '../core/verifier.js';
import type { NodeRequestLike, RequestLike } from '../core/request/credentials.js';

/** The own property under which @hono/node-server's Request keeps its Node request, once found. */
let incomingKey: symbol | undefined;

/**
 * Whether `raw` was made from `incoming`. An app may dispatch a sub-request with its parent's
 * env (`app.request(path, init, c.env)`): `c.env.incoming` is then the parent's request, whose
 * headers are not this one's. Anything not provably made from it is read as the Fetch Request.
 */
function madeFrom(raw: Request, incoming: object): boolean {
  const fields = raw as unknown as Record<symbol, unknown>;
  if (incomingKey !== undefined && fields[incomingKey] === incoming) return true;
  for (const key of Object.getOwnPropertySymbols(raw)) {
    if (fields[key] !== incoming) continue;
    incomingKey = key;
    return true;
  }
  return false;
}

/** `c.env.incoming` when it is the Node request behind `c.req.raw`, else undefined. */
function nodeRequestOf(c: Context): NodeRequestLike | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  if (typeof incoming !== 'object' || incoming === null) return undefined;
  return madeFrom(c.req.raw, incoming) ? (incoming as NodeRequestLike) : undefined;
}

/**
 * How the middleware picks the request for the core. With `getToken`, always the Fetch Request:
 * that is what docs/hono.md promises `getToken` (and the core reads no header of its own then).
 */
export function requestForCore(verifier: SessionVerifier): (c: Context) => RequestLike {
  if (verifier.usesGetToken) return (c) => c.req.raw;
  return (c) => nodeRequestOf(c) ?? c.req.raw;
}
