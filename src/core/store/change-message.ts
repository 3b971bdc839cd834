import type { StoreChange, SubjectRef } from './types.js';

export function serializeChange(change: StoreChange): string {
  return JSON.stringify(change);
}

function isSubject(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (typeof value !== 'object' || value === null) return false;
  const { issuer, subject } = value as { issuer?: unknown; subject?: unknown };
  return typeof issuer === 'string' && typeof subject === 'string';
}

/** Reads a change message; one that can't be understood clears everything (safe, never stale). */
export function parseChange(message: string): StoreChange {
  try {
    const change = JSON.parse(message) as { type?: unknown; subject?: unknown; sessionId?: unknown; tokenId?: unknown };
    if (change.type === 'status' && isSubject(change.subject)) return { type: 'status', subject: change.subject as SubjectRef };
    if (change.type === 'revocation') {
      return {
        type: 'revocation',
        ...(typeof change.sessionId === 'string' ? { sessionId: change.sessionId } : {}),
        ...(typeof change.tokenId === 'string' ? { tokenId: change.tokenId } : {}),
      };
    }
  } catch {
    // fall through
  }
  return { type: 'resync' };
}
