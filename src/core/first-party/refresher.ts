/** One refresh per session at a time in this process, and a short memory of tokens the service refused. */
import { sha256 } from '../hash.js';
import { decodeToken } from '../token/decode.js';
import type { SessionClient } from './session-client.js';

export type RefreshOutcome =
  | { kind: 'renewed'; jwt: string; sessionId: string; expiresAtMs: number; sessionToken: string }
  /** The service refused the token for good: the session is gone (revoked, expired, unknown), or its account is suspended or banned (`reason`). */
  | { kind: 'refused'; reason?: 'account_suspended' | 'account_banned' }
  /** The service could not answer now: 503, keep the cookies. */
  | { kind: 'unavailable' };

/** How long a refused token is answered from memory: a junk cookie costs no call per request. */
const REFUSED_MEMORY_MS = 5000;
const REFUSED_MEMORY_MAX = 10_000;
/**
 * How long a renewal is reused for requests still carrying the old cookie: the browser sends its
 * cookie jar as it was when each request left, so requests started before the first answer
 * arrived would each refresh again. Bounded by the new JWT's own expiry.
 */
const RENEWED_MEMORY_MS = 30_000;

function renewed(body: Record<string, unknown> | undefined, sessionToken: string): RefreshOutcome {
  const session = body?.session as Record<string, unknown> | undefined;
  const jwt = body?.session_jwt;
  const sessionId = session?.session_id;
  const expiresAtMs = typeof session?.expires_at === 'string' ? Date.parse(session.expires_at) : NaN;
  if (typeof jwt !== 'string' || jwt === '' || typeof sessionId !== 'string' || !Number.isFinite(expiresAtMs)) return { kind: 'unavailable' };
  return { kind: 'renewed', jwt, sessionId, expiresAtMs, sessionToken };
}

/** Drops the oldest entry of a full memory. */
function bounded(memory: Map<string, unknown>): void {
  if (memory.size >= REFUSED_MEMORY_MAX) memory.delete(memory.keys().next().value as string);
}

export class Refresher {
  /** Calls to the service's authenticate, for tests and the benchmark. */
  calls = 0;
  private readonly inFlight = new Map<string, Promise<RefreshOutcome>>();
  private readonly refused = new Map<string, number>();
  private readonly renewed = new Map<string, { outcome: RefreshOutcome; until: number }>();

  constructor(
    private readonly client: SessionClient,
    private readonly now: () => number,
  ) {}

  /** Authenticates the session token; concurrent callers with the same token share one call. */
  refresh(sessionToken: string): Promise<RefreshOutcome> {
    const key = sha256(sessionToken, 'base64url');
    const refusedUntil = this.refused.get(key);
    if (refusedUntil !== undefined) {
      if (refusedUntil > this.now()) return Promise.resolve({ kind: 'refused' });
      this.refused.delete(key);
    }
    const recent = this.renewed.get(key);
    if (recent !== undefined) {
      if (recent.until > this.now()) return Promise.resolve(recent.outcome);
      this.renewed.delete(key);
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const call = this.authenticate(sessionToken, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  private async authenticate(sessionToken: string, key: string): Promise<RefreshOutcome> {
    this.calls++;
    const extend = this.client.extendMinutes;
    const answer = await this.client.call('authenticate', { session_token: sessionToken, ...(extend === undefined ? {} : { session_duration_minutes: extend }) });
    if (answer.status === 200) {
      const outcome = renewed(answer.body, sessionToken);
      if (outcome.kind === 'renewed') this.remember(key, outcome);
      return outcome;
    }
    // 404 session_not_found (unknown, expired or revoked) and 400s about the token are for good; the rest (5xx, a bad secret) is not.
    const type = answer.body?.error_type;
    const account = answer.status === 403 && (type === 'account_suspended' || type === 'account_banned') ? type : undefined;
    if (answer.status === 404 || (answer.status === 400 && answer.body !== undefined) || account !== undefined) {
      this.renewed.delete(key);
      bounded(this.refused);
      this.refused.set(key, this.now() + REFUSED_MEMORY_MS);
      return account === undefined ? { kind: 'refused' } : { kind: 'refused', reason: account };
    }
    return { kind: 'unavailable' };
  }

  private remember(key: string, outcome: Extract<RefreshOutcome, { kind: 'renewed' }>): void {
    const exp = decodeToken(outcome.jwt)?.payload.exp;
    const until = Math.min(this.now() + RENEWED_MEMORY_MS, typeof exp === 'number' ? exp * 1000 - RENEWED_MEMORY_MS : 0);
    if (until <= this.now()) return;
    bounded(this.renewed);
    this.renewed.set(key, { outcome, until });
  }

  /** Forgets what was learnt about a token (after a sign-out). */
  forget(sessionToken: string): void {
    this.renewed.delete(sha256(sessionToken, 'base64url'));
  }
}
