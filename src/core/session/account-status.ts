/** What an account-status lookup answers for a subject. */
export type AccountStatus =
  | 'active'
  | { state: 'active' }
  | { state: 'suspended'; suspendedUntil: string | number | Date; reason?: string }
  | { state: 'banned'; reason?: string };

/** A status resolved against the clock: what applies to this request. */
export type EffectiveStatus =
  | { state: 'active' }
  | { state: 'suspended'; suspendedUntil: string; reason: string }
  | { state: 'banned'; reason: string };

const ACTIVE: EffectiveStatus = Object.freeze({ state: 'active' });

/**
 * Checks what a user's lookup returned. A malformed answer is treated as a
 * failed lookup (fail closed), never as active. Returns the suspension end as
 * epoch ms so the clock check per request is a comparison.
 */
export function parseAccountStatus(value: unknown): { state: 'active' } | { state: 'suspended'; untilMs: number; reason: string } | { state: 'banned'; reason: string } {
  if (value === 'active') return { state: 'active' };
  if (typeof value !== 'object' || value === null) throw new TypeError('account status is neither \'active\' nor an object');
  const status = value as { state?: unknown; suspendedUntil?: unknown; reason?: unknown };
  const reason = status.reason === undefined ? undefined : status.reason;
  if (reason !== undefined && typeof reason !== 'string') throw new TypeError('account status reason is not a string');
  switch (status.state) {
    case 'active':
      return { state: 'active' };
    case 'banned':
      return { state: 'banned', reason: reason ?? 'banned' };
    case 'suspended': {
      const until = status.suspendedUntil;
      const untilMs =
        until instanceof Date ? until.getTime() : typeof until === 'number' ? until : typeof until === 'string' ? Date.parse(until) : NaN;
      // new Date(untilMs) must hold it too: it is answered as an ISO 8601 string.
      if (!Number.isFinite(new Date(untilMs).getTime())) throw new TypeError('suspendedUntil is not a valid date');
      return { state: 'suspended', untilMs, reason: reason ?? 'suspended' };
    }
    default:
      throw new TypeError('account status state is not active, suspended or banned');
  }
}

export type ParsedAccountStatus = ReturnType<typeof parseAccountStatus>;

/** What applies now: a suspension whose end has passed no longer applies. */
export function effectiveStatus(status: ParsedAccountStatus, nowMs: number): EffectiveStatus {
  if (status.state === 'suspended') {
    if (status.untilMs <= nowMs) return ACTIVE;
    return { state: 'suspended', suspendedUntil: new Date(status.untilMs).toISOString(), reason: status.reason };
  }
  return status.state === 'banned' ? status : ACTIVE;
}
