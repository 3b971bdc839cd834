import { postgresSessions, type PostgresClient, type PostgresSessionStore } from '../../src/postgres';
import type { StoreUnderTest } from './store-conformance';

/** The conformance rig over any PostgreSQL client: raw rows for the at-rest check, a fast sweep. */
export async function postgresUnderTest(client: PostgresClient, close: () => Promise<void>): Promise<StoreUnderTest & { store: PostgresSessionStore }> {
  const store = postgresSessions({ client, sweepIntervalMs: 100 });
  await store.migrate();
  await store.migrate(); // idempotent
  const rows = async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];
  return {
    store,
    dump: async () => JSON.stringify(await rows('SELECT * FROM sessionguard_sessions')),
    held: async () => Number((await rows('SELECT count(*)::int AS n FROM sessionguard_sessions'))[0]!.n),
    settleExpiry: () => new Promise((resolve) => setTimeout(resolve, 800)),
    close: async () => {
      await store.close();
      await close();
    },
  };
}
