/** One statement's rows, whichever client ran it. */
export type Query = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** What the store needs from a `pg.Pool`, a `pg.Client` or a `PGlite`: only the methods it calls. */
export interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgPoolClientLike>;
  readonly idleCount: number;
}
export interface PgPoolClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(error?: Error | boolean): void;
}
export interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  transaction<T>(callback: (tx: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }) => Promise<T>): Promise<T>;
}
export type PostgresClient = PgPoolLike | PgClientLike | PGliteLike;

/** Runs statements, and transactions that hold their rows until they end. */
export interface SqlRunner {
  query: Query;
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
}

function querying(target: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): Query {
  return async (sql, params = []) => (await target.query(sql, [...params])).rows as Record<string, unknown>[];
}

/** Runs `work` between BEGIN and COMMIT; `onBroken` hears of a connection left in an unknown state. */
async function inTransaction<T>(query: Query, work: (query: Query) => Promise<T>, onBroken: (error: Error) => void = () => undefined): Promise<T> {
  await query('BEGIN');
  try {
    const result = await work(query);
    await query('COMMIT');
    return result;
  } catch (error) {
    await query('ROLLBACK').catch((rollbackError: unknown) => onBroken(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))));
    throw error;
  }
}

function isPool(client: PostgresClient): client is PgPoolLike {
  return 'idleCount' in client && typeof (client as PgPoolLike).connect === 'function';
}

function isPGlite(client: PostgresClient): client is PGliteLike {
  return typeof (client as PGliteLike).transaction === 'function';
}

/**
 * A pool lends each transaction its own connection; PGlite runs its transactions one at a time;
 * a single `pg.Client` is one connection, so every statement waits its turn behind a running
 * transaction (else it would run inside it, and a rollback would undo it).
 */
export function sqlRunner(client: PostgresClient): SqlRunner {
  if (isPool(client)) {
    return {
      query: querying(client),
      async transaction(work) {
        const connection = await client.connect();
        let broken: Error | undefined;
        try {
          return await inTransaction(querying(connection), work, (error) => (broken = error));
        } finally {
          // A connection whose rollback failed is dropped, never lent again mid-transaction.
          connection.release(broken);
        }
      },
    };
  }
  if (isPGlite(client)) {
    return { query: querying(client), transaction: (work) => client.transaction((tx) => work(querying(tx))) };
  }
  const query = querying(client);
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  return { query: (sql, params) => inTurn(() => query(sql, params)), transaction: (work) => inTurn(() => inTransaction(query, work)) };
}
