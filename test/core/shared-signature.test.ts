/**
 * A cache miss decodes the signature into a buffer the next decoding overwrites (no buffer per
 * token). What runs between the decoding and the check must not see another token's signature:
 * the app's onEvent listener (which may verify another token) and the await of a key fetch.
 */
import { createVerifier, isSessionError, type SessionEvent } from '../../src';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

let workos: TestIssuer;
beforeAll(async () => {
  workos = await createTestIssuer({ kind: 'workos' });
});
afterAll(() => workos.close());

async function outcome(run: Promise<{ subject: string }>): Promise<string> {
  try {
    return (await run).subject;
  } catch (error) {
    if (!isSessionError(error)) throw error;
    return `${error.status} ${error.error} ${error.reason}`;
  }
}

test("a listener that verifies another token on a cache miss does not change the first token's signature", async () => {
  // The token the listener verifies, once, synchronously between a miss's decoding and its signature check.
  let next: string | undefined;
  let inner: Promise<string> | undefined;
  const verifier = createVerifier({
    providers: [workos.provider()],
    onEvent: (event: SessionEvent) => {
      if (next === undefined || event.type !== 'token_cache' || event.hit) return;
      const token = next;
      next = undefined;
      inner = outcome(verifier.verify(token));
    },
  });
  await verifier.warm();
  const first = await workos.sessionToken({ sub: 'user_01FIRST' });
  next = await workos.sessionToken({ sub: 'user_01OTHER' });
  expect(await outcome(verifier.verify(first))).toBe('user_01FIRST');
  expect(await inner).toBe('user_01OTHER');

  // A bad signature is still refused while the listener verifies a good token (a miss too).
  const forged = `${first.slice(0, first.lastIndexOf('.') + 1)}${Buffer.alloc(256, 7).toString('base64url')}`;
  next = await workos.sessionToken({ sub: 'user_01THIRD' });
  expect(await outcome(verifier.verify(forged))).toBe('401 invalid_token signature_invalid');
  expect(await inner).toBe('user_01THIRD');
});

test('distinct tokens verified at once while the keys are fetched each keep their own signature', async () => {
  const verifier = createVerifier({ providers: [workos.provider()], tokenCache: false });
  const subjects = Array.from({ length: 8 }, (_, i) => `user_01COLD${i}`);
  const tokens = await Promise.all(subjects.map((sub) => workos.sessionToken({ sub })));
  // No warm(): every verification awaits the one key fetch after decoding its token.
  expect(await Promise.all(tokens.map((token) => outcome(verifier.verify(token))))).toEqual(subjects);
  verifier.close();
});
