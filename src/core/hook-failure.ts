import { DeadlineError } from './deadline.js';

/** The app's functions whose failure answers a request with a 503 (or, for getToken, reads no token). */
export type HookName = 'accountStatus' | 'isRevoked' | 'resolveLegacyUser' | 'getToken';

/**
 * Why a request got a 503: one of the app's hooks threw, rejected, answered nonsense or
 * missed its deadline. Rides on the SessionError as `cause`; reported (event and log line)
 * once per hook error, by the first request it fails, however many requests shared the lookup.
 */
export class HookFailure extends Error {
  override readonly name = 'HookFailure';
  /** The hook's own Error (a DeadlineError when it did not answer in time). */
  readonly error: Error;
  readonly timedOut: boolean;

  constructor(readonly hook: HookName, thrown: unknown) {
    const error = thrown instanceof Error ? thrown : new Error(`${hook} failed with a non-Error value`);
    super(`${hook} ${error instanceof DeadlineError ? 'missed its deadline' : 'failed'}: ${error.message}`, { cause: error });
    this.error = error;
    this.timedOut = error instanceof DeadlineError;
  }
}
