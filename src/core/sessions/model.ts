import type { SubjectRef } from '../store/types.js';

/** A JSON value as custom claims hold it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** How the user proved who they are when the session began (Stytch's authentication factor shape). */
export interface AuthenticationFactor {
  type: string;
  delivery_method: string;
  last_authenticated_at: string;
}

/**
 * What the upstream session said about the user when this session was created: recorded once and
 * never re-read, so ending or changing the upstream session does not change this one.
 */
export interface UpstreamGrant {
  /** The provider that verified the upstream token, or `null` when a service vouched for the user. */
  provider: string | null;
  issuer: string | null;
  sessionId: string | null;
  roles: readonly string[];
  brandId: string | null;
  organizationId: string | null;
  permissions: readonly string[];
}

/**
 * One first-party session as a store keeps it. The opaque token is never stored: only its
 * SHA-256 (`tokenHash`). Times are epoch milliseconds.
 */
export interface SessionRecord {
  readonly sessionId: string;
  readonly userId: string;
  readonly tokenHash: string;
  /** Whose account status applies (the upstream subject, with its issuer for an OIDC provider's users). */
  readonly statusSubject: SubjectRef;
  readonly startedAt: number;
  readonly lastAccessedAt: number;
  readonly expiresAt: number;
  readonly upstream: UpstreamGrant;
  readonly factors: readonly AuthenticationFactor[];
  readonly customClaims: Readonly<Record<string, JsonValue>>;
}

/** Whether a session can still be used at `now` (epoch ms). */
export function isLive(record: SessionRecord, now: number): boolean {
  return record.expiresAt > now;
}

/** RFC 3339 in UTC, to the second, as Stytch writes times. */
export function rfc3339(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
