import { withDeadline } from '../deadline.js';
import type { SessionGuardOptions } from '../options.js';
import type { SessionPrincipal } from '../principal/principal.js';
import { effectiveStatus, parseAccountStatus, type AccountStatus } from '../session/account-status.js';
import type { SessionRecord } from '../sessions/model.js';
import { SessionsError, sessionsErrors } from '../sessions/sessions-error.js';

const DEFAULT_HOOK_TIMEOUT_MS = 2000;

/**
 * The account check of create and authenticate: the status store's answer for the session's user
 * (or the `accountStatus` hook's), refusing a suspended or banned account with a 403. A failed
 * lookup is a 503, unless `storeFailOpen` lets it through.
 */
export function accountCheck(
  options: Pick<SessionGuardOptions, 'store' | 'accountStatus' | 'storeFailOpen' | 'hookTimeoutMs'>,
  now: () => number,
  principalOf: (record: SessionRecord) => SessionPrincipal,
): (record: SessionRecord) => Promise<void> {
  const { store, accountStatus, storeFailOpen } = options;
  const timeoutMs = options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const lookUp = async (record: SessionRecord): Promise<AccountStatus> => {
    if (store !== undefined) return store.status(record.statusSubject);
    if (accountStatus !== undefined) return accountStatus(record.userId, principalOf(record));
    return { state: 'active' };
  };
  return async (record) => {
    let status;
    try {
      status = effectiveStatus(parseAccountStatus(await withDeadline(lookUp(record), timeoutMs, 'accountStatus')), now());
    } catch {
      if (store !== undefined && storeFailOpen === true) return;
      throw sessionsErrors.unavailable();
    }
    if (status.state === 'suspended') throw new SessionsError(403, 'account_suspended', `This account is suspended until ${status.suspendedUntil}.`);
    if (status.state === 'banned') throw new SessionsError(403, 'account_banned', 'This account is banned.');
  };
}
