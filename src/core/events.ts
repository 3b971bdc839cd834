import type { HookName } from './hook-failure.js';
import type { RequestFields } from './request/context.js';

export type { RequestFields } from './request/context.js';

/**
 * What sessionguard reports to `onEvent` for logs and metrics. Events never
 * carry a token: at most `tokenHash`, a short prefix of the token's SHA-256.
 * Events of one request (`rejection`, `token_cache`, `hook_error`) carry its `method`,
 * `path` and `requestId`; key fetches and store reads are shared between requests and carry none.
 */
export type SessionEvent =
  | { type: 'jwks_fetch'; provider: string; ok: boolean; durationMs: number; keys?: number; error?: string }
  | { type: 'discovery_fetch'; provider: string; ok: boolean; durationMs: number; error?: string }
  | { type: 'jwks_key_refused'; provider: string; kid: string | undefined; why: string }
  | ({ type: 'token_cache'; provider: string; hit: boolean } & RequestFields)
  | { type: 'status_lookup'; ok: boolean; durationMs: number; error?: string }
  | ({ type: 'rejection'; status: number; error: string; reason: string | undefined; provider?: string; tokenHash?: string } & RequestFields)
  | ({ type: 'hook_error'; hook: HookName; error: Error; timedOut: boolean; tokenHash?: string } & RequestFields)
  | { type: 'store_error'; operation: string; error: string; failOpen: boolean };

export type SessionEventListener = (event: SessionEvent) => void;

/** Calls the user's listener without ever letting it break a request. */
export function makeEmitter(listener: SessionEventListener | undefined): SessionEventListener | undefined {
  if (listener === undefined) return undefined;
  if (typeof listener !== 'function') throw new TypeError('sessionguard: onEvent must be a function.');
  return (event) => {
    try {
      listener(event);
    } catch {
      // A failing logger must not change an authentication decision.
    }
  };
}
