import type { SessionRecord } from '../core/sessions/model.js';

export const TABLE = 'sessionguard_sessions';

/**
 * The table and its indexes; every statement is idempotent. An advisory lock keeps two instances
 * migrating at once from racing on the catalog.
 */
export const MIGRATION = [
  `SELECT pg_advisory_xact_lock(hashtext('${TABLE}'))`,
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    session_id text PRIMARY KEY,
    token_hash text NOT NULL,
    user_id text NOT NULL,
    started_at timestamptz NOT NULL,
    last_accessed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    status_subject jsonb NOT NULL,
    upstream jsonb NOT NULL,
    factors jsonb NOT NULL,
    custom_claims jsonb NOT NULL
  )`,
  `COMMENT ON COLUMN ${TABLE}.token_hash IS 'SHA-256 of the session token, base64url: the token itself is never stored'`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_token_hash ON ${TABLE} (token_hash)`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_user ON ${TABLE} (user_id, started_at)`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_expires_at ON ${TABLE} (expires_at)`,
];

export const COLUMNS = 'session_id, token_hash, user_id, started_at, last_accessed_at, expires_at, status_subject, upstream, factors, custom_claims';

function millis(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}

/** jsonb arrives parsed from `pg` and PGlite alike (a JSON string column value is a string). */
function json<T>(value: unknown): T {
  return value as T;
}

export function fromRow(row: Record<string, unknown>): SessionRecord {
  return {
    sessionId: String(row.session_id),
    userId: String(row.user_id),
    tokenHash: String(row.token_hash),
    statusSubject: json(row.status_subject),
    startedAt: millis(row.started_at),
    lastAccessedAt: millis(row.last_accessed_at),
    expiresAt: millis(row.expires_at),
    upstream: json(row.upstream),
    factors: json(row.factors),
    customClaims: json(row.custom_claims),
  };
}

/** Parameters $1..$10 in the order of COLUMNS; jsonb goes as JSON text so every client binds it the same way. */
export function toParams(record: SessionRecord): unknown[] {
  return [
    record.sessionId,
    record.tokenHash,
    record.userId,
    new Date(record.startedAt),
    new Date(record.lastAccessedAt),
    new Date(record.expiresAt),
    JSON.stringify(record.statusSubject),
    JSON.stringify(record.upstream),
    JSON.stringify(record.factors),
    JSON.stringify(record.customClaims),
  ];
}
