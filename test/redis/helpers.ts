import { createClient } from 'redis';
import type { SessionStore, StoreChange } from '../../src';

export type RedisClient = ReturnType<typeof createClient>;

/** A connected node-redis client; errors are expected during outages and only recorded. */
export async function connectClient(url: string, options: Parameters<typeof createClient>[0] = {}): Promise<RedisClient> {
  const client = createClient({ url, ...options });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Resolves with the next change the store delivers (listeners run in order, so the verifier has applied it). */
export function nextChange(store: SessionStore, type?: StoreChange['type']): Promise<StoreChange> {
  return new Promise((resolve) => {
    const unsubscribe = store.subscribe((change) => {
      if (type !== undefined && change.type !== type) return;
      unsubscribe();
      resolve(change);
    });
  });
}

/** Resolves on the client's next 'ready' (after a reconnect). */
export function nextReady(client: { once(event: 'ready', listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The same ES256 token with the other valid signature (s → n − s): different bytes, same claims. */
export function malleate(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  return `${header}.${payload}.${Buffer.concat([bytes.subarray(0, 32), flipped]).toString('base64url')}`;
}
