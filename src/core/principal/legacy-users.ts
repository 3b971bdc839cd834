import { LRUCache } from 'lru-cache';
import { withDeadline } from '../deadline.js';
import { HookFailure } from '../hook-failure.js';
import type { ErrorFactory } from '../errors.js';

const UNMAPPED = Symbol('unmapped');
const RETRY_AFTER_SECONDS = 5;

/**
 * Maps legacy Clerk user ids to current (WorkOS) user ids through the app's
 * `resolveLegacyUser`, with a cache: a user's mapping does not change per request.
 */
export class LegacyUsers {
  private readonly cache: LRUCache<string, string | typeof UNMAPPED>;

  constructor(
    resolve: ((clerkUserId: string) => Promise<string | null> | string | null) | undefined,
    settings: { max: number; ttlMs: number; hookTimeoutMs: number; now: () => number },
    private readonly errors: ErrorFactory,
  ) {
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
