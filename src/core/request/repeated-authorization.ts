import type { ConnectionMemo, TokenCache } from '../token/token-cache.js';
import { isHeader, type NodeRequestLike } from './credentials.js';

/**
 * The request's one Authorization value as sent, read from rawHeaders with nothing allocated;
 * undefined when there are no rawHeaders, no Authorization or more than one.
 */
function soleRawAuthorization(request: NodeRequestLike): string | undefined {
  const raw = request.rawHeaders;
  if (raw === undefined) return undefined;
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if ((name.charCodeAt(0) | 0x20) !== 0x61 || !isHeader(name, 'authorization', 'Authorization')) continue;
    if (found !== undefined) return undefined;
    found = raw[i + 1] as string;
  }
  return found;
}

/**
 * The connection's memo when this request sends its token again in one Authorization value
 * identical to the one the memo's token came in: no header object, no parsing, no hashing.
 */
export function repeatedOnConnection(cache: TokenCache, connection: object, request: NodeRequestLike): ConnectionMemo | undefined {
  const sent = soleRawAuthorization(request);
  return sent === undefined ? undefined : cache.repeatedOn(connection, sent);
}
