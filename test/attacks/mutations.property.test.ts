/** Property-based: no mutation of a valid token is accepted as another identity, or answered with a 5xx. */
import fc from 'fast-check';
import type { Express } from 'express';
import { guardedApp } from '../helpers';
import { bearer } from './support';
import { b64url, segments, useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' }, es: { kind: 'oidc', alg: 'ES256', issuer: 'https://es.sessionguard.test', name: 'es' } });
let app: Express;
let victim: { token: string; sub: string; sid: string };
let other: { token: string; sub: string; sid: string };
let esToken: string;
beforeAll(async () => {
  app = guardedApp({ providers: [issuers.workos.provider(), issuers.es.provider()] }).app;
  victim = { token: await issuers.workos.sessionToken({ sub: 'user_01VICTIM', sid: 'session_V', expiresIn: 3600 }), sub: 'user_01VICTIM', sid: 'session_V' };
  other = { token: await issuers.workos.sessionToken({ sub: 'user_01OTHER', sid: 'session_O', expiresIn: 3600 }), sub: 'user_01OTHER', sid: 'session_O' };
  esToken = await issuers.es.sessionToken({ sub: 'user_01VICTIM', sid: 'session_V', expiresIn: 3600 });
});

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %"\\{}'.split('');

/** Mutations at the text level. */
const textMutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...CHARS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flipbit' as const), segment: fc.integer({ min: 0, max: 2 }), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
);

interface TextMutation {
  kind: string;
  at: number;
  char?: string;
  length?: number;
  segment?: number;
  bit?: number;
}

function applyText(token: string, m: TextMutation): string {
  const at = m.at % (token.length + 1);
  switch (m.kind) {
    case 'replace':
      return token.slice(0, at) + m.char! + token.slice(at + 1);
    case 'insert':
      return token.slice(0, at) + m.char! + token.slice(at);
    case 'delete':
      return token.slice(0, at) + token.slice(at + m.length!);
    case 'truncate':
      return token.slice(0, at);
    default: {
      const parts = token.split('.');
      if (parts[m.segment!] === undefined) return token;
      const bytes = Buffer.from(parts[m.segment!]!, 'base64url');
      if (bytes.length === 0) return token;
      bytes[m.at % bytes.length] = bytes[m.at % bytes.length]! ^ (1 << m.bit!);
      parts[m.segment!] = bytes.toString('base64url');
      return parts.join('.');
    }
  }
}

/** Mutations at the JSON level, re-encoded without re-signing. */
const jsonValue = fc.oneof(
  fc.constantFrom('user_01OTHER', 'session_O', 'RS256', 'none', 'HS256', 'ES256', 'https://es.sessionguard.test', ''),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const jsonMutation = fc.record({
  part: fc.constantFrom(0, 1),
  key: fc.constantFrom('alg', 'kid', 'typ', 'crit', 'jku', 'jwk', 'iss', 'sub', 'sid', 'exp', 'iat', 'nbf', 'aud', 'jti', '__proto__', 'constructor', 'permissions'),
  value: jsonValue,
  remove: fc.boolean(),
});

function applyJson(token: string, m: { part: number; key: string; value: unknown; remove: boolean }): string {
  const parts = segments(token);
  const object = JSON.parse(Buffer.from(parts[m.part]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (m.remove) delete object[m.key];
  else Object.defineProperty(object, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  parts[m.part] = b64url(object);
  return parts.join('.');
}

async function check(mutated: string, original: typeof victim): Promise<void> {
  const res = await bearer(app, mutated);
  expect(res.status).toBeLessThan(500);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  if (res.status === 200) {
    expect([res.body.subject, res.body.sessionId]).toEqual([original.sub, original.sid]);
  } else {
    expect(typeof res.body.error).toBe('string');
    expect(res.text).not.toContain(segments(original.token)[2]);
  }
}

test('text mutations of a valid RS256 token: never another identity, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(textMutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      await check(mutations.reduce((t, m) => applyText(t, m as TextMutation), victim.token), victim);
    }),
    { numRuns: 150 },
  );
});

test('text mutations of a valid ES256 token: never another identity, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(textMutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      await check(mutations.reduce((t, m) => applyText(t, m as TextMutation), esToken), victim);
    }),
    { numRuns: 100 },
  );
});

test('header and claim rewrites without re-signing are never accepted, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      const mutated = mutations.reduce((t, m) => applyJson(t, m), victim.token);
      const res = await bearer(app, mutated);
      expect(res.status).toBeLessThan(500);
      if (mutated !== victim.token) expect(res.status).not.toBe(200);
    }),
    { numRuns: 150 },
  );
});

test("splicing segments of two identities' tokens never yields the other identity", async () => {
  const pieces = [victim.token, other.token, esToken].map(segments);
  await fc.assert(
    fc.asyncProperty(fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2)), async ([h, p, s]) => {
      const spliced = `${pieces[h]![0]}.${pieces[p]![1]}.${pieces[s]![2]}`;
      const res = await bearer(app, spliced);
      expect(res.status).toBeLessThan(500);
      // Only an unmodified token passes (victim and other share one header, so [0,1,1] is simply other's token).
      const owner = [victim, other, { ...victim, token: esToken }].find((who) => who.token === spliced);
      if (res.status === 200) expect([res.body.subject, res.body.sessionId]).toEqual([owner?.sub, owner?.sid]);
      else expect(owner).toBeUndefined();
    }),
    { numRuns: 27 },
  );
});
