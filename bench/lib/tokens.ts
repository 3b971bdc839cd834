/**
 * Fast token minting for benchmarks: node:crypto's synchronous sign with the
 * test issuer's key, so a million distinct tokens cost seconds, not minutes.
 */
import { KeyObject, randomUUID, sign } from 'node:crypto';
import type { TestIssuer } from 'sessionguard/testing';

export const AUDIENCE = 'https://api.bench.test';

function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export interface Minter {
  /** A session token for the n-th user, valid for an hour. */
  mint(n: number): string;
}

/** Mints WorkOS-shaped session tokens (with an `aud` every peer can check) signed by the issuer's current key. */
export function createMinter(issuer: TestIssuer): Minter {
  const key = issuer.key;
  const privateKey = KeyObject.from(key.privateKey);
  const header = segment({ alg: key.alg, kid: key.kid, typ: 'JWT' });
  const digest = key.alg === 'EdDSA' ? null : `sha${key.alg.slice(2)}`;
  const dsaEncoding = key.alg.startsWith('ES') ? ('ieee-p1363' as const) : undefined;
  const runId = randomUUID().slice(0, 8);
  return {
    mint(n: number): string {
      const now = Math.floor(Date.now() / 1000);
      const payload = segment({
        iss: issuer.issuer,
        sub: `user_${runId}_${n}`,
        sid: `session_${runId}_${n}`,
        // WorkOS user access tokens always carry auth_time (sessionguard, like WorkOS's SDK, refuses tokens without it).
        auth_time: now,
        aud: AUDIENCE,
        azp: 'https://app.bench.test',
        iat: now,
        nbf: now,
        exp: now + 3600,
        jti: `${runId}_${n}`,
      });
      const input = `${header}.${payload}`;
      const signature = sign(digest, Buffer.from(input), dsaEncoding ? { key: privateKey, dsaEncoding } : privateKey);
      return `${input}.${signature.toString('base64url')}`;
    },
  };
}

/** `count` distinct tokens. */
export function mintMany(minter: Minter, count: number, offset = 0): string[] {
  const tokens = new Array<string>(count);
  for (let i = 0; i < count; i++) tokens[i] = minter.mint(offset + i);
  return tokens;
}
