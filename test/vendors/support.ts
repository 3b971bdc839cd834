/** Verifying one token with a verifier and reading the outcome as status, error, reason and principal. */
import { createVerifier, isSessionError, type SessionGuardOptions, type SessionPrincipal } from '../../src';

export interface Outcome {
  status: number;
  error?: string;
  reason?: string;
  principal?: SessionPrincipal;
}

export async function outcomeOf(verify: () => Promise<SessionPrincipal>): Promise<Outcome> {
  try {
    return { status: 200, principal: await verify() };
  } catch (error) {
    if (!isSessionError(error)) throw error;
    return { status: error.status, error: error.error, reason: error.reason };
  }
}

/** A verifier for the options, closed after `use` (no key-set timers or sockets left behind). */
export async function withVerifier<T>(options: SessionGuardOptions, use: (verify: (token: string) => Promise<Outcome>) => Promise<T>): Promise<T> {
  const verifier = createVerifier(options);
  try {
    return await use((token) => outcomeOf(() => verifier.verify(token)));
  } finally {
    verifier.close();
  }
}

/** The principal's own fields (what JSON shows), for field-by-field comparison. */
export function fieldsOf(principal: SessionPrincipal | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(principal ?? null)) as Record<string, unknown>;
}
