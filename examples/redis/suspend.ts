/**
 * What an admin tool runs: suspend a user (or revoke a session) through the
 * shared store. Every instance refuses the user within a second.
 *
 *   tsx examples/redis/suspend.ts user_123 "chargeback under review"
 *   tsx examples/redis/suspend.ts --revoke-session session_abc
 */
import { createClient } from 'redis';
import { redisStore } from '../../src/redis';

async function main(): Promise<void> {
  const [first, second] = process.argv.slice(2);
  if (first === undefined) throw new Error('usage: suspend.ts <user id> [reason] | --revoke-session <session id>');
  const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  await client.connect();
  const store = redisStore({ client });
  if (first === '--revoke-session') {
    await store.revokeSession(second!);
    console.log(`revoked session ${second}`);
  } else {
    const until = new Date(Date.now() + 24 * 3600_000);
    await store.suspend(first, { until, reason: second ?? 'suspended by an administrator' });
    console.log(`suspended ${first} until ${until.toISOString()}`);
  }
  client.destroy();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
