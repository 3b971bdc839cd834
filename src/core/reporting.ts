import { makeEmitter, type SessionEvent, type SessionEventListener } from './events.js';
import type { RequestFields } from './request/context.js';

/**
 * Where sessionguard writes what a user must not miss: a pino-style logger (pino, bunyan,
 * Fastify's `app.log`), called as `logger.warn(fields, message)`. Without one, `console.warn`.
 */
export interface SessionLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** What a log line is about; each kind is logged at most once a minute per guard. */
export type LogKind = 'hook_failed' | 'hook_timeout' | 'key_fetch_failed' | 'store_unavailable' | 'error_body_failed';

const ONE_MINUTE_MS = 60_000;
const MAX_MESSAGE = 300;

/** One line, however the error message was written. */
function oneLine(text: string): string {
  const line = text.replace(/[\r\n\t]+/g, ' ');
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

function contextOf(fields: RequestFields & { tokenHash?: string | undefined }): string {
  const parts = [fields.method !== undefined && fields.path !== undefined ? `${fields.method} ${fields.path}` : undefined,
    fields.requestId === undefined ? undefined : `request id ${fields.requestId}`,
    fields.tokenHash === undefined ? undefined : `token sha256:${fields.tokenHash}`].filter((part) => part !== undefined);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/**
 * The guard's events and log lines: every event goes to `onEvent`; hook failures and deadlines,
 * key-host failures, store outages and a failing errorBody also make one log line each, at most
 * one a minute per kind (the next line counts the ones left out). Never a token: at most its short hash.
 */
export class Reporter {
  /** The app's onEvent, for the hot path's events (undefined: nothing to build). */
  readonly emit: SessionEventListener | undefined;
  private readonly lastLogged = new Map<LogKind, { at: number; suppressed: number }>();
  private readonly once = new WeakSet<object>();

  constructor(listener: SessionEventListener | undefined, private readonly logger: SessionLogger | undefined, private readonly now: () => number) {
    this.emit = makeEmitter(listener);
  }

  /** For events that may need a log line: key fetches, store reads, hook failures. */
  readonly report = (event: SessionEvent): void => {
    this.emit?.(event);
    if (event.type === 'jwks_fetch' && !event.ok) {
      this.log('key_fetch_failed', 'warn', `the key host of provider "${event.provider}" failed: ${event.error ?? 'unknown error'}; cached keys serve while they may`, { provider: event.provider });
    } else if (event.type === 'store_error') {
      const outcome = event.failOpen ? 'requests go on unchecked (storeFailOpen)' : 'requests get 503 status_unavailable';
      this.log('store_unavailable', event.failOpen ? 'warn' : 'error', `the session store failed (${event.operation}): ${event.error}; ${outcome}`, { operation: event.operation });
    } else if (event.type === 'hook_error') {
      const { type: _type, error, hook, timedOut, ...fields } = event;
      const what = timedOut ? `the ${hook} hook missed its deadline` : `the ${hook} hook failed: ${error.message}`;
      this.log(timedOut ? 'hook_timeout' : 'hook_failed', 'error', `${what}; the request got a 503`, { hook, ...fields, err: error });
    }
  };

  /** Whether `key` was reported before; marks it reported (one report per failure, however many requests shared it). */
  firstTime(key: object): boolean {
    if (this.once.has(key)) return false;
    this.once.add(key);
    return true;
  }

  /** Writes one line, unless a line of this kind was written less than a minute ago. */
  log(kind: LogKind, level: 'warn' | 'error', message: string, fields: Record<string, unknown> & RequestFields & { tokenHash?: string }): void {
    const now = this.now();
    const last = this.lastLogged.get(kind);
    if (last !== undefined && now - last.at < ONE_MINUTE_MS) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    this.lastLogged.set(kind, { at: now, suppressed: 0 });
    const more = suppressed > 0 ? ` [${suppressed} more like this in the last minute not logged]` : '';
    const line = `sessionguard: ${oneLine(message)}${more}`;
    try {
      if (this.logger === undefined) console.warn(`${line}${contextOf(fields)}`);
      else this.logger[level]({ sessionguard: kind, ...fields, ...(suppressed > 0 ? { suppressed } : {}) }, line);
    } catch {
      // A failing logger must not change an authentication decision.
    }
  }
}
