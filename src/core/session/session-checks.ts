import { LRUCache } from 'lru-cache';
import { withDeadline } from '../deadline.js';
import { HookFailure } from '../hook-failure.js';
import type { ErrorFactory } from '../errors.js';
import type { SessionEventListener } from '../events.js';
import type { RevocationQuery } from '../options.js';
import type { SessionPrincipal } from '../principal/principal.js';
import { effectiveStatus, parseAccountStatus, type AccountStatus, type ParsedAccountStatus } from './account-status.js';

/** Which caches to clear after a change of account status or revocation. */
export interface Invalidation {
  subject?: string;
  /** With `subject`: only this issuer's user (default: that subject under every issuer). */
  issuer?: string;
  revocations?: boolean;
  /** Only the cached answers about this session (with or without `tokenId`). */
  sessionId?: string;
  /** Only the cached answers about this token id. */
  tokenId?: string;
}

/** The app's hooks (or a store's) and how long their answers are reused. */
export interface SessionCheckHooks {
  accountStatus: ((subject: string, principal: SessionPrincipal) => Promise<AccountStatus> | AccountStatus) | undefined;
  isRevoked: ((query: RevocationQuery) => Promise<boolean> | boolean) | undefined;
  statusTtlMs: number;
  hookTimeoutMs: number;
  now: () => number;
  emit: SessionEventListener | undefined;
}

const RETRY_AFTER_SECONDS = 5;

/** Only a boolean is an answer: anything else is a failed lookup (fail closed, a 503), never "not revoked". */
function revocationAnswer(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError('isRevoked returned neither true nor false');
  return value;
}

/** Status is cached per issuer and subject: two OIDC issuers may use the same subject for different people. */
function statusKey(issuer: string, subject: string): string {
  return `${issuer}\u0000${subject}`;
}

function revocationKey(issuer: string, sessionId: string | null, tokenId: string | null): string {
  return `${issuer}\u0000${sessionId ?? ''}\u0000${tokenId ?? ''}`;
}

function tokenIdOf(principal: SessionPrincipal): string | null {
  return typeof principal.claims.jti === 'string' ? principal.claims.jti : null;
}

/**
 * The checks a verified token still needs on every request, cached hook answers included:
 * revocation (is this session or token revoked?) and account status (is the user suspended or
 * banned?). Synchronous while the answers are cached; a failed lookup fails closed (503).
 */
export class SessionChecks {
  private readonly statuses: LRUCache<string, ParsedAccountStatus, SessionPrincipal> | undefined;
  private readonly revocations: LRUCache<string, boolean, RevocationQuery> | undefined;
  /** Revocation lookups under way, by cache key (see forgetRevocation). */
  private readonly revocationsInFlight = new Map<string, number>();
  /** Counts invalidations, to tell a lookup aborted by one from a failed lookup. */
  private invalidations = 0;

  constructor(private readonly hooks: SessionCheckHooks, private readonly errors: ErrorFactory) {
    const { accountStatus, isRevoked, statusTtlMs, now } = hooks;
    if (accountStatus !== undefined && statusTtlMs > 0) {
      this.statuses = new LRUCache({
        max: 100_000, ttl: statusTtlMs, perf: { now }, ttlResolution: 0,
        fetchMethod: (_key, _stale, { context }) => this.lookUpStatus(context),
      });
    }
    if (isRevoked !== undefined && statusTtlMs > 0) {
      this.revocations = new LRUCache({
        max: 100_000, ttl: statusTtlMs, perf: { now }, ttlResolution: 0,
        fetchMethod: async (key, _stale, { context }) => {
          // Counted: an aborted lookup and the one asked again after it may overlap.
          this.revocationsInFlight.set(key, (this.revocationsInFlight.get(key) ?? 0) + 1);
          try {
            return revocationAnswer(await withDeadline(isRevoked(context), hooks.hookTimeoutMs, 'isRevoked'));
          } finally {
            const left = this.revocationsInFlight.get(key)! - 1;
            if (left === 0) this.revocationsInFlight.delete(key);
            else this.revocationsInFlight.set(key, left);
          }
        },
      });
    }
  }

  /**
   * Revocation, then `between` (the CSRF check), then account status. Answers synchronously
   * when the caches hold both answers, else returns a promise.
   */
  check(principal: SessionPrincipal, between: () => void): SessionPrincipal | Promise<SessionPrincipal> {
    if (this.hooks.isRevoked !== undefined) {
      const revoked = this.revocations?.get(revocationKey(principal.issuer, principal.sessionId, tokenIdOf(principal)));
      if (revoked === undefined) return this.checkLater(principal, between);
      this.throwIfRevoked(principal, revoked);
    }
    between();
    if (this.hooks.accountStatus !== undefined) {
      const status = this.statuses?.get(statusKey(principal.issuer, principal.subject));
      if (status === undefined) return this.checkAccountStatus(principal).then(() => principal);
      this.throwIfInactive(status);
    }
    return principal;
  }

  /** Forgets cached account status (for a subject, or all) and revocation answers after a change. */
  invalidate(change: Invalidation, issuers: Iterable<string>): void {
    this.invalidations++;
    const revocation = change.sessionId !== undefined || change.tokenId !== undefined;
    if (change.subject !== undefined) {
      for (const issuer of change.issuer !== undefined ? [change.issuer] : issuers) this.statuses?.delete(statusKey(issuer, change.subject));
    } else if (!change.revocations && !revocation) this.statuses?.clear();
    if (revocation) this.forgetRevocation(change.sessionId, change.tokenId, issuers);
    else if (change.revocations || change.subject === undefined) this.revocations?.clear();
  }

  private async checkLater(principal: SessionPrincipal, between: () => void): Promise<SessionPrincipal> {
    await this.checkRevocation(principal);
    between();
    await this.checkAccountStatus(principal);
    return principal;
  }

  /**
   * Drops the cached answers about one session or token, keeping every other
   * (one revocation must not send every session back to the store, nor fail them all during an outage).
   */
  private forgetRevocation(sessionId: string | undefined, tokenId: string | undefined, issuers: Iterable<string>): void {
    const cache = this.revocations;
    if (cache === undefined) return;
    const prefixes = sessionId === undefined ? [] : [...issuers].map((issuer) => revocationKey(issuer, sessionId, null));
    const suffix = tokenId === undefined ? undefined : `\u0000${tokenId}`;
    const stale: string[] = [];
    // lru-cache's keys() leaves out entries still being fetched: those answers may predate the change too.
    for (const key of [...cache.keys(), ...this.revocationsInFlight.keys()]) {
      if (prefixes.some((prefix) => key.startsWith(prefix)) || (suffix !== undefined && key.endsWith(suffix))) stale.push(key);
    }
    for (const key of stale) cache.delete(key);
  }

  private async checkRevocation(principal: SessionPrincipal): Promise<void> {
    const isRevoked = this.hooks.isRevoked!;
    const query: RevocationQuery = { subject: principal.subject, issuer: principal.issuer, sessionId: principal.sessionId, tokenId: tokenIdOf(principal) };
    let revoked: boolean | undefined;
    try {
      revoked = this.revocations
        ? await this.fetchCurrent(() => this.revocations!.fetch(revocationKey(query.issuer, query.sessionId, query.tokenId), { context: query }))
        : revocationAnswer(await withDeadline(isRevoked(query), this.hooks.hookTimeoutMs, 'isRevoked'));
    } catch (error) {
      throw this.errors.serviceUnavailable('status_unavailable', 'Session revocation cannot be checked right now.', RETRY_AFTER_SECONDS, new HookFailure('isRevoked', error));
    }
    this.throwIfRevoked(principal, revoked);
  }

  private throwIfRevoked(principal: SessionPrincipal, revoked: boolean | undefined): void {
    if (revoked === true) throw this.errors.sessionRevoked(principal.sessionId !== null ? 'session_revoked' : 'token_revoked');
  }

  private async lookUpStatus(principal: SessionPrincipal): Promise<ParsedAccountStatus> {
    const { now, emit } = this.hooks;
    const started = now();
    try {
      const answer = await withDeadline(this.hooks.accountStatus!(principal.subject, principal), this.hooks.hookTimeoutMs, 'accountStatus');
      const status = parseAccountStatus(answer);
      emit?.({ type: 'status_lookup', ok: true, durationMs: now() - started });
      return status;
    } catch (error) {
      emit?.({ type: 'status_lookup', ok: false, durationMs: now() - started, error: error instanceof Error ? error.message : 'failed' });
      throw error;
    }
  }

  /**
   * A cached lookup. An invalidation while the lookup is in flight aborts it
   * (its answer may predate the change): ask again instead of failing the request.
   */
  private async fetchCurrent<V>(fetch: () => Promise<V>): Promise<V> {
    const generation = this.invalidations;
    try {
      return await fetch();
    } catch (error) {
      if (generation === this.invalidations) throw error;
      return fetch();
    }
  }

  private async checkAccountStatus(principal: SessionPrincipal): Promise<void> {
    if (this.hooks.accountStatus === undefined) return;
    let parsed: ParsedAccountStatus | undefined;
    let failure: unknown = new Error('the accountStatus lookup was abandoned');
    try {
      parsed = this.statuses
        ? await this.fetchCurrent(() => this.statuses!.fetch(statusKey(principal.issuer, principal.subject), { context: principal }))
        : await this.lookUpStatus(principal);
    } catch (error) {
      parsed = undefined;
      failure = error;
    }
    if (parsed === undefined) {
      throw this.errors.serviceUnavailable('status_unavailable', 'Account status cannot be checked right now.', RETRY_AFTER_SECONDS, new HookFailure('accountStatus', failure));
    }
    this.throwIfInactive(parsed);
  }

  private throwIfInactive(parsed: ParsedAccountStatus): void {
    const status = effectiveStatus(parsed, this.hooks.now());
    if (status.state === 'suspended') throw this.errors.accountSuspended(status.suspendedUntil, status.reason);
    if (status.state === 'banned') throw this.errors.accountBanned(status.reason);
  }
}
