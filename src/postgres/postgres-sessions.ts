import { applySessionPatch } from '../core/sessions/apply-patch.js';
import type { SessionRecord } from '../core/sessions/model.js';
import type { RevocationTarget, SessionPatch, SessionRecordStore } from '../core/sessions/record-store.js';
import { assertKnownKeys } from '../core/options-keys.js';
import { withDeadline } from '../core/deadline.js';
import { COLUMNS, fromRow, MIGRATION, TABLE, toParams } from './schema.js';
import { sqlRunner, type PostgresClient, type Query, type SqlRunner } from './sql-client.js';

export interface PostgresSessionsOptions {
  /** A `pg.Pool` (recommended), a connected `pg.Client`, or a `PGlite` (`new PGlite('./data')` for a durable embedded database). Not closed by the store. */
  client: PostgresClient;
  /** How often expired sessions are deleted, in ms (default 60000; 0: never, call `sweep()` yourself). The timer never keeps the process alive. */
  sweepIntervalMs?: number;
  /** An operation that takes longer fails (the service answers 503). Default 5000 ms. */
  operationTimeoutMs?: number;
}

/** A sessions store in PostgreSQL: `migrate()` once, `close()` to stop the sweep. */
export interface PostgresSessionStore extends SessionRecordStore {
  /** Creates table `sessionguard_sessions` and its indexes when missing (idempotent). */
  migrate(): Promise<void>;
  /** Deletes expired sessions now; resolves with how many. */
  sweep(): Promise<number>;
  /** Stops the sweep. The client stays open: it is yours. */
  close(): Promise<void>;
}

const SWEEP_BATCH = 1000;
const DEFAULT_SWEEP_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 5000;

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`postgresSessions: ${name} must be a number of milliseconds, 0 or more.`);
  return value;
}

class PostgresSessions implements PostgresSessionStore {
  private readonly sql: SqlRunner;
  private readonly timeoutMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: PostgresSessionsOptions) {
    this.sql = sqlRunner(options.client);
    this.timeoutMs = nonNegative('operationTimeoutMs', options.operationTimeoutMs, DEFAULT_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;
    const every = nonNegative('sweepIntervalMs', options.sweepIntervalMs, DEFAULT_SWEEP_MS);
    if (every > 0) {
      // A failed sweep is retried at the next tick; the sessions it missed already fail to authenticate.
      this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), every);
      this.sweeper.unref();
    }
  }

  migrate(): Promise<void> {
    return this.sql.transaction(async (query) => {
      for (const statement of MIGRATION) await query(statement);
    });
  }

  async sweep(): Promise<number> {
    let deleted = 0;
    for (;;) {
      // In batches, so a large backlog never holds many row locks at once.
      const rows = await this.run((query) =>
        query(`DELETE FROM ${TABLE} WHERE session_id IN (SELECT session_id FROM ${TABLE} WHERE expires_at <= $1 LIMIT ${SWEEP_BATCH}) RETURNING session_id`, [new Date()]),
      );
      deleted += rows.length;
      if (rows.length < SWEEP_BATCH) return deleted;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  async create(record: SessionRecord): Promise<void> {
    await this.run((query) => query(`INSERT INTO ${TABLE} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, toParams(record)));
  }

  findByTokenHash(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
    return this.one(`SELECT ${COLUMNS} FROM ${TABLE} WHERE token_hash = $1 AND expires_at > $2`, [tokenHash, new Date(now)]);
  }

  findById(sessionId: string, now: number): Promise<SessionRecord | undefined> {
    return this.one(`SELECT ${COLUMNS} FROM ${TABLE} WHERE session_id = $1 AND expires_at > $2`, [sessionId, new Date(now)]);
  }

  /** The row is locked (FOR UPDATE) from read to write: concurrent updates of one session queue up and each merges into the last. */
  update(sessionId: string, patch: SessionPatch, accept: (next: SessionRecord) => void): Promise<SessionRecord | undefined> {
    return withDeadline(
      this.sql.transaction(async (query) => {
        const rows = await query(`SELECT ${COLUMNS} FROM ${TABLE} WHERE session_id = $1 AND expires_at > $2 FOR UPDATE`, [sessionId, new Date(patch.at)]);
        if (rows[0] === undefined) return undefined;
        const next = applySessionPatch(fromRow(rows[0]), patch);
        accept(next);
        await query(`UPDATE ${TABLE} SET last_accessed_at = $2, expires_at = $3, custom_claims = $4 WHERE session_id = $1`, [
          sessionId,
          new Date(next.lastAccessedAt),
          new Date(next.expiresAt),
          JSON.stringify(next.customClaims),
        ]);
        return next;
      }),
      this.timeoutMs,
      'the sessions database',
    );
  }

  async revoke(target: RevocationTarget, now: number): Promise<SessionRecord[]> {
    const [column, value] = 'sessionId' in target ? ['session_id', target.sessionId] : 'tokenHash' in target ? ['token_hash', target.tokenHash] : ['user_id', target.userId];
    const rows = await this.run((query) => query(`DELETE FROM ${TABLE} WHERE ${column} = $1 RETURNING ${COLUMNS}`, [value]));
    return rows.map(fromRow).filter((record) => record.expiresAt > now);
  }

  async listByUser(userId: string, now: number): Promise<SessionRecord[]> {
    const rows = await this.run((query) => query(`SELECT ${COLUMNS} FROM ${TABLE} WHERE user_id = $1 AND expires_at > $2 ORDER BY started_at, session_id`, [userId, new Date(now)]));
    return rows.map(fromRow);
  }

  private async one(sql: string, params: unknown[]): Promise<SessionRecord | undefined> {
    const rows = await this.run((query) => query(sql, params));
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  private run<T>(work: (query: Query) => Promise<T>): Promise<T> {
    return withDeadline(work(this.sql.query), this.timeoutMs, 'the sessions database');
  }
}

/**
 * First-party sessions in PostgreSQL, on a server (`pg.Pool`, `pg.Client`) or embedded (`PGlite`).
 * Run `await store.migrate()` before the first request.
 */
export function postgresSessions(options: PostgresSessionsOptions): PostgresSessionStore {
  assertKnownKeys('postgresSessions', options, ['client', 'sweepIntervalMs', 'operationTimeoutMs']);
  const client = options.client as unknown;
  if (typeof client !== 'object' || client === null || typeof (client as { query?: unknown }).query !== 'function') {
    throw new TypeError('postgresSessions: client must be a pg.Pool, a pg.Client or a PGlite instance.');
  }
  return new PostgresSessions(options);
}
