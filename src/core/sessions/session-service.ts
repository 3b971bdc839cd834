import type { SessionStore } from '../store/types.js';
import { claimsBytes, MAX_CUSTOM_CLAIMS_BYTES, mergeClaims, withoutReservedClaims, type ClaimsPatch } from './custom-claims.js';
import { rfc3339, type AuthenticationFactor, type SessionRecord, type UpstreamGrant } from './model.js';
import type { AuthorizationCheck } from './policy.js';
import type { RevocationTarget, SessionRecordStore } from './record-store.js';
import { MAX_SESSION_JWT_BYTES, SessionJwtRejected, type SessionJwts } from './session-jwt.js';
import { SessionsError, sessionsErrors } from './sessions-error.js';
import type { ResolvedSessions } from './sessions-options.js';
import { hashSessionToken, newSessionId, newSessionToken } from './tokens.js';

/** A session as an authenticate or create call answers it. */
export interface SessionGrant {
  record: SessionRecord;
  /** The new token on create, the presented one by token, "" by JWT (only its hash is stored). */
  sessionToken: string;
  sessionJwt: string;
  grantingRoles?: string[];
}

export interface CreateSession {
  userId: string;
  statusSubject: SessionRecord['statusSubject'];
  upstream: UpstreamGrant;
  factor: Omit<AuthenticationFactor, 'last_authenticated_at'>;
  durationMinutes: number;
  claims?: ClaimsPatch;
}

export interface AuthenticateSession {
  sessionToken?: string;
  sessionJwt?: string;
  durationMinutes?: number;
  claims?: ClaimsPatch;
  authorizationCheck?: AuthorizationCheck;
}

export interface SessionServiceHooks {
  now: () => number;
  /** Every provider's brand claim: custom claims never set one. */
  brandClaims: ReadonlySet<string>;
  /** Throws a 403 SessionsError when the user's account is suspended or banned. */
  checkAccount: (record: SessionRecord) => Promise<void>;
  /** The status/revocation store revocations go to first, so every instance refuses the JWTs. */
  statusStore: SessionStore | undefined;
  /** How long a revocation entry must outlive its write: the JWT lifetime plus the verifiers' clock tolerance. */
  revocationTtlMs: number;
  /** Called after a revocation, to clear this process's cached answers about the session. */
  onRevoked: (sessionId: string) => void;
}

/** Turns a store failure into a 503; a SessionsError passes as is. */
async function stored<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof SessionsError) throw error;
    throw sessionsErrors.unavailable();
  }
}

/** First-party sessions: create, authenticate (extend, refresh, claims, authorization), revoke, list. */
export class SessionService {
  private readonly store: SessionRecordStore;

  constructor(private readonly config: ResolvedSessions, readonly jwts: SessionJwts, private readonly hooks: SessionServiceHooks) {
    this.store = config.store;
  }

  async create(input: CreateSession): Promise<SessionGrant> {
    const now = this.hooks.now();
    const token = newSessionToken();
    const record: SessionRecord = {
      sessionId: newSessionId(),
      userId: input.userId,
      tokenHash: hashSessionToken(token),
      statusSubject: input.statusSubject,
      startedAt: now,
      lastAccessedAt: now,
      expiresAt: now + this.durationMs(input.durationMinutes),
      upstream: input.upstream,
      factors: [{ ...input.factor, last_authenticated_at: rfc3339(now) }],
      customClaims: input.claims === undefined ? {} : mergeClaims({}, withoutReservedClaims(input.claims, this.hooks.brandClaims)),
    };
    this.checkSize(record, now);
    await this.hooks.checkAccount(record);
    await stored(() => this.store.create(record));
    return { record, sessionToken: token, sessionJwt: await this.jwts.mint(record, now) };
  }

  async authenticate(input: AuthenticateSession): Promise<SessionGrant> {
    const now = this.hooks.now();
    const found = await this.find({ token: input.sessionToken, jwt: input.sessionJwt }, now);
    await this.hooks.checkAccount(found);
    let grantingRoles: string[] | undefined;
    const check = input.authorizationCheck;
    if (check !== undefined) {
      const otherOrganization = check.organization_id !== undefined && check.organization_id !== found.upstream.organizationId;
      grantingRoles = otherOrganization ? [] : this.config.policy.grantingRoles(found.upstream.roles, check);
      if (grantingRoles.length === 0) throw sessionsErrors.unauthorizedAction();
    }
    const claims = input.claims === undefined ? undefined : withoutReservedClaims(input.claims, this.hooks.brandClaims);
    const patch = {
      at: now,
      ...(input.durationMinutes === undefined ? {} : { expiresAt: now + this.durationMs(input.durationMinutes) }),
      ...(claims === undefined ? {} : { claims }),
    };
    const record = await stored(() => this.store.update(found.sessionId, patch, (next) => this.checkSize(next, now)));
    if (record === undefined) throw sessionsErrors.notFound();
    return {
      record,
      sessionToken: input.sessionToken ?? '',
      sessionJwt: await this.jwts.mint(record, now),
      ...(grantingRoles === undefined ? {} : { grantingRoles }),
    };
  }

  /**
   * Ends sessions: each id goes to the status store first (so every instance refuses the JWTs at
   * once), then the sessions store forgets the session. A retry after a failure in between finds
   * the session still live and completes the revocation.
   */
  async revoke(target: { sessionId: string } | { sessionToken: string } | { sessionJwt: string } | { userId: string }): Promise<number> {
    const now = this.hooks.now();
    let records: SessionRecord[];
    let storeTarget: RevocationTarget;
    if ('userId' in target) {
      storeTarget = { userId: target.userId };
      records = await stored(() => this.store.listByUser(target.userId, now));
    } else {
      const named = 'sessionToken' in target ? { token: target.sessionToken } : 'sessionJwt' in target ? { jwt: target.sessionJwt } : { sessionId: target.sessionId };
      // Not asking the status store: a session it already lists but this store still holds is a revocation to complete.
      const record = await this.find(named, now, false);
      storeTarget = { sessionId: record.sessionId };
      records = [record];
    }
    const expiresAt = now + this.hooks.revocationTtlMs;
    const statusStore = this.hooks.statusStore;
    if (statusStore !== undefined) await stored(() => Promise.all(records.map((record) => statusStore.revokeSession(record.sessionId, { expiresAt }))));
    const revoked = await stored(() => this.store.revoke(storeTarget, now));
    for (const record of records) this.hooks.onRevoked(record.sessionId);
    return revoked.length;
  }

  list(userId: string): Promise<SessionRecord[]> {
    return stored(() => this.store.listByUser(userId, this.hooks.now()));
  }

  /** The live session a token, JWT or id names; a 404 when there is none (or it was revoked). */
  private async find(
    { token, jwt, sessionId }: { token?: string | undefined; jwt?: string | undefined; sessionId?: string },
    now: number,
    askStatusStore = true,
  ): Promise<SessionRecord> {
    let record: SessionRecord | undefined;
    if (token !== undefined) record = await stored(() => this.store.findByTokenHash(hashSessionToken(token), now));
    else if (sessionId !== undefined) record = await stored(() => this.store.findById(sessionId, now));
    else {
      let named: { sessionId: string; userId: string };
      try {
        named = await this.jwts.identify(jwt!);
      } catch (error) {
        if (error instanceof SessionJwtRejected) throw sessionsErrors.invalidJwt();
        throw error;
      }
      record = await stored(() => this.store.findById(named.sessionId, now));
      if (record !== undefined && record.userId !== named.userId) record = undefined;
    }
    if (record === undefined) throw sessionsErrors.notFound();
    // A revocation written to the status store but not yet to this store (a revoke cut short) still counts.
    const statusStore = this.hooks.statusStore;
    const found = record;
    if (askStatusStore && statusStore !== undefined && (await stored(() => statusStore.isRevoked({ sessionId: found.sessionId, tokenId: null })))) throw sessionsErrors.notFound();
    return record;
  }

  private durationMs(minutes: number): number {
    return Math.min(minutes, this.config.maxDurationMinutes) * 60_000;
  }

  private checkSize(record: SessionRecord, now: number): void {
    const bytes = claimsBytes(record.customClaims);
    if (bytes > MAX_CUSTOM_CLAIMS_BYTES) {
      throw sessionsErrors.claimsTooLarge(`The session's custom claims would take ${bytes} bytes; at most ${MAX_CUSTOM_CLAIMS_BYTES} are allowed.`);
    }
    const length = this.jwts.length(record, now);
    if (length > MAX_SESSION_JWT_BYTES) {
      throw sessionsErrors.claimsTooLarge(`The session JWT would be ${length} bytes; at most ${MAX_SESSION_JWT_BYTES} fit a cookie.`);
    }
  }
}
