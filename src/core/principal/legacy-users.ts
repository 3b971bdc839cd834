import { LRUCache } from 'lru-cache';
import { withDeadline } from '../deadline.js';
import { HookFailure } from '../hook-failure.js';
import type { ErrorFactory } from '../errors.js';
import type { Provider } from '../providers/types.js';
import { Identity, type PrincipalIdentity } from './principal.js';

const UNMAPPED = Symbol('unmapped');
const RETRY_AFTER_SECONDS = 5;

/**
 * Maps Clerk user ids to current (WorkOS) user ids through the app's optional
 * `resolveLegacyUser`, with a cache: a user's mapping does not change per request.
 */
export class LegacyUsers {
  private readonly cache: LRUCache<string, string | typeof UNMAPPED>;
  /** Whether a resolver was given: without one a Clerk user id is the subject itself. */
  readonly enabled: boolean;

  constructor(
    resolve: ((clerkUserId: string) => Promise<string | null> | string | null) | undefined,
    settings: { max: number; ttlMs: number; hookTimeoutMs: number; now: () => number },
    private readonly errors: ErrorFactory,
  ) {
    this.enabled = resolve !== undefined;
    this.cache = new LRUCache({
      max: settings.max,
      ttl: settings.ttlMs,
      perf: { now: settings.now },
      ttlResolution: 0,
      fetchMethod: async (clerkUserId) => {
        const mapped = await withDeadline(resolve!(clerkUserId), settings.hookTimeoutMs, 'resolveLegacyUser');
        if (mapped !== null && (typeof mapped !== 'string' || mapped === '')) throw new TypeError('resolveLegacyUser returned neither a string nor null');
        return mapped ?? UNMAPPED;
      },
    });
  }

  /**
   * The subject and user ids of a token's `sub`: a Clerk user is mapped to its WorkOS user when a
   * resolver is given. A promise only then: every other subject is answered without one.
   */
  identityOf(provider: Pick<Provider, 'subjectIsWorkosUser' | 'legacyUsers'>, sub: string): PrincipalIdentity | Promise<PrincipalIdentity> {
    if (provider.subjectIsWorkosUser) return new Identity(sub, sub, null);
    if (!provider.legacyUsers) return new Identity(sub, null, null);
    if (!this.enabled) return new Identity(sub, null, sub);
    return this.resolve(sub).then((mapped) => new Identity(mapped, mapped, sub));
  }

  /** The current user id; a 401 `user_unmapped` when there is none, a 503 when the mapping can't be read. */
  async resolve(clerkUserId: string): Promise<string> {
    let mapped: string | typeof UNMAPPED | undefined;
    try {
      mapped = await this.cache.fetch(clerkUserId);
    } catch (error) {
      throw this.errors.serviceUnavailable('user_mapping_unavailable', 'The legacy user mapping cannot be read right now.', RETRY_AFTER_SECONDS, new HookFailure('resolveLegacyUser', error));
    }
    if (mapped === undefined || mapped === UNMAPPED) {
      throw this.errors.invalidToken('user_unmapped', 'This legacy user has no current account.');
    }
    return mapped;
  }
}
