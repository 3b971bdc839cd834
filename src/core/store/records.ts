import type { AccountStatus } from '../session/account-status.js';
import type { RevokeOptions, SubjectRef, SuspendOptions } from './types.js';

/** What a store keeps for an account that isn't active; absence means active. */
export type StatusRecord = { state: 'suspended'; untilMs: number; reason: string } | { state: 'banned'; reason: string };

/** Default lifetime of a revocation entry when the caller doesn't say when the token or session ends. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

function fail(message: string): never {
  throw new TypeError(`sessionguard store: ${message}`);
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(`${name} must be a non-empty string.`);
  return value;
}

/** A date given as Date, epoch ms or ISO 8601, as epoch ms. */
export function toEpochMs(name: string, value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) fail(`${name} must be a Date, epoch milliseconds or an ISO 8601 string.`);
  return ms;
}

/**
 * The storage key of a subject: `u:<id>` for canonical user ids, and
 * `i:<issuer length>:<issuer>:<id>` for an OIDC issuer's users, so no pair of
 * issuer and subject can collide with another.
 */
export function subjectKey(subject: SubjectRef): string {
  if (typeof subject === 'string') return `u:${nonEmpty('subject', subject)}`;
  if (typeof subject !== 'object' || subject === null) fail('subject must be a user id or { issuer, subject }.');
  const issuer = nonEmpty('subject.issuer', subject.issuer);
  return `i:${issuer.length}:${issuer}:${nonEmpty('subject.subject', subject.subject)}`;
}

export function sessionKey(sessionId: string): string {
  return `sid:${nonEmpty('sessionId', sessionId)}`;
}

export function tokenKey(tokenId: string): string {
  return `jti:${nonEmpty('tokenId', tokenId)}`;
}

function reasonOf(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') fail('reason must be a string.');
  return value;
}

export function suspensionRecord(options: SuspendOptions): StatusRecord {
  if (typeof options !== 'object' || options === null) fail('suspend() needs { until, reason }.');
  return { state: 'suspended', untilMs: toEpochMs('until', options.until), reason: reasonOf(options.reason, 'suspended') };
}

export function banRecord(options: { reason?: string } | undefined): StatusRecord {
  return { state: 'banned', reason: reasonOf(options?.reason, 'banned') };
}

/** The status a record means now. */
export function recordToStatus(record: StatusRecord | undefined): AccountStatus {
  if (record === undefined) return { state: 'active' };
  if (record.state === 'banned') return { state: 'banned', reason: record.reason };
  return { state: 'suspended', suspendedUntil: record.untilMs, reason: record.reason };
}

/** Reads a stored record back; anything malformed throws (the verifier then fails closed). */
export function parseStatusRecord(text: string): StatusRecord {
  const value = JSON.parse(text) as { state?: unknown; untilMs?: unknown; reason?: unknown };
  if (typeof value.reason !== 'string') throw new TypeError('stored status has no reason');
  if (value.state === 'banned') return { state: 'banned', reason: value.reason };
  if (value.state === 'suspended' && typeof value.untilMs === 'number' && Number.isFinite(value.untilMs)) {
    return { state: 'suspended', untilMs: value.untilMs, reason: value.reason };
  }
  throw new TypeError('stored status is malformed');
}

/** When a revocation entry may be forgotten: the caller's `expiresAt`, else now plus the longest token lifetime. */
export function revocationExpiryMs(options: RevokeOptions | undefined, nowMs: number, maxTokenLifetimeMs: number): number {
  if (options?.expiresAt === undefined) return nowMs + maxTokenLifetimeMs;
  return toEpochMs('expiresAt', options.expiresAt);
}

export function maxTokenLifetimeMs(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_MAX_TOKEN_LIFETIME_SECONDS * 1000;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) fail('maxTokenLifetimeSeconds must be a positive number.');
  return seconds * 1000;
}
