/**
 * Characters outside the base64url alphabet, in each of the three segments. The shape check only
 * scans for dots, `+`, `/` and non-ASCII; every other stray character must be caught where its
 * segment is decoded (the decoded bytes fall short). These cases pin that down, including the
 * ones Node's base64 decoder would read as valid characters.
 */
import { createVerifier, type SessionVerifier } from '../../src';
import { guardedApp, expectError } from '../helpers';
import { bearer } from './support';
import request from 'supertest';
import type { Express } from 'express';
import { segments, useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' } });
let app: Express;
let verifier: SessionVerifier;
let token: string;
beforeAll(async () => {
  app = guardedApp({ providers: [issuers.workos.provider()] }).app;
  verifier = createVerifier({ providers: [issuers.workos.provider()] });
  token = await issuers.workos.sign(issuers.workos.sessionClaims({ sub: 'user_01VICTIM', expiresIn: 3600 }));
});
afterAll(() => verifier.close());

/** The token with segment `index`'s character at `at` replaced by `replacement` (same length). */
function withCharacter(index: number, at: number, replacement: string): string {
  const parts = segments(token);
  const segment = parts[index]!;
  parts[index] = `${segment.slice(0, at)}${replacement}${segment.slice(at + 1)}`;
  return parts.join('.');
}

const SEGMENTS = [
  ['header', 0],
  ['payload', 1],
  ['signature', 2],
] as const;

test('the unmodified token is accepted (control)', async () => {
  await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user_01VICTIM' });
});

describe.each(SEGMENTS)('in the %s', (_name, index) => {
  test.each([
    ['a character above U+00FF whose low byte is a base64url character ("Ł" is 0x141, "A" is 0x41)', 'Ł'],
    ['a character above U+00FF whose low byte is "-" (U+012D)', '\u012d'],
    ['a Latin-1 letter', 'é'],
    ['a lone surrogate', '\ud800'],
    ['"!"', '!'],
    ['NUL', '\u0000'],
    ['"=" inside the segment', '='],
    ['"+"', '+'],
    ['"/"', '/'],
    ['a line feed', '\n'],
  ])('%s: 401 token_malformed from verify()', async (_what, replacement) => {
    const forged = withCharacter(index, 4, replacement);
    await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401, error: 'invalid_token', reason: 'token_malformed' });
  });

  test('a Latin-1 letter over HTTP: 401 token_malformed', async () => {
    const forged = withCharacter(index, 4, 'é');
    const res = await request(app).get('/me').set('Authorization', Buffer.from(`Bearer ${forged}`, 'latin1').toString('latin1'));
    expectError(res, 401, 'invalid_token', 'token_malformed');
  });

  test('"!" over HTTP: 401 token_malformed', async () => {
    expectError(await bearer(app, withCharacter(index, 4, '!')), 401, 'invalid_token', 'token_malformed');
  });

  test('a space or a comma in an Authorization header: 400 duplicate_authorization (two credentials, not one bad one)', async () => {
    for (const separator of [' ', ',', '\t']) {
      const res = await bearer(app, withCharacter(index, 4, separator));
      expectError(res, 400, 'invalid_request', 'duplicate_authorization');
    }
  });

  test('a space in the cookie: 401 token_malformed', async () => {
    const res = await request(app).get('/me').set('Cookie', `__session=${withCharacter(index, 4, ' ')}`);
    expectError(res, 401, 'invalid_token', 'token_malformed');
  });
});

test('a signature that decodes in full but to fewer bytes than RS256 needs: 401 signature_invalid', async () => {
  const [h, p, s] = segments(token);
  await expect(verifier.verify(`${h}.${p}.${s.slice(0, -6)}`)).rejects.toMatchObject({ status: 401, error: 'invalid_token', reason: 'signature_invalid' });
});
