/** Attacks on the token's encoding: segments, base64url, JSON, JWS extensions. */
import request from 'supertest';
import type { Express } from 'express';
import { guardedApp, expectError } from '../helpers';
import { bearer } from './support';
import { b64url, segments, signRaw, useIssuers } from '../support/issuers';

const issuers = useIssuers({ workos: { kind: 'workos' } });
let app: Express;
let token: string;
let claims: Record<string, unknown>;
let headerJson: string;
beforeAll(async () => {
  app = guardedApp({ providers: [issuers.workos.provider()] }).app;
  claims = issuers.workos.sessionClaims({ sub: 'user_01VICTIM', expiresIn: 3600 });
  token = await issuers.workos.sign(claims);
  headerJson = JSON.stringify({ alg: 'RS256', kid: issuers.workos.key.kid, typ: 'JWT' });
});

const malformed = async (t: string): Promise<void> => expectError(await bearer(app, t), 401, 'invalid_token', 'token_malformed');
const withPayloadText = (text: string): Promise<string> => signRaw(issuers.workos.key, headerJson, text);
const withHeaderText = (text: string): Promise<string> => signRaw(issuers.workos.key, text, JSON.stringify(claims));

test('the unmodified token is accepted (control)', async () => {
  const res = await bearer(app, token);
  expect(res.status).toBe(200);
  expect(res.body.subject).toBe('user_01VICTIM');
});

describe('segments', () => {
  test('2 segments', () => malformed(token.split('.').slice(0, 2).join('.')));
  test('2 segments with a trailing dot', () => malformed(`${token.split('.').slice(0, 2).join('.')}.`));
  test('4 segments', () => malformed(`${token}.${segments(token)[2]}`));
  test('a 5-segment JWE', () => malformed(`${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.AAAA.AAAA.${segments(token)[1]}.AAAA`));
  test('JSON serialization', async () => {
    const [h, p, s] = segments(token);
    const general = JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] });
    // A JSON-serialized JWS has commas: more than one credential as far as RFC 6750 goes.
    expectError(await request(app).get('/me').set('Authorization', `Bearer ${general}`), 400, 'invalid_request', 'duplicate_authorization');
    const flattened = JSON.stringify({ payload: p, protected: h, signature: s }).replace(/,/g, ';');
    await malformed(flattened);
  });
  test('an empty segment', () => malformed(`${segments(token)[0]}..${segments(token)[2]}`));
  test('no signature (unsecured form)', () => malformed(`${segments(token)[0]}.${segments(token)[1]}.`));
});

describe('base64url', () => {
  test('padding at the end of a segment', () => malformed(token.replace('.', '=.')));
  test('padding on the signature', () => malformed(`${token}==`));
  test('whitespace inside a segment (cookie-carried)', async () => {
    const [h, p, s] = segments(token);
    for (const spaced of [`${h}.${p.slice(0, 10)}\t${p.slice(10)}.${s}`, `${h} .${p}.${s}`]) {
      expectError(await request(app).get('/me').set('Cookie', `__session=${spaced}`), 401, 'invalid_token', 'token_malformed');
    }
  });
  test('"+" and "/" instead of "-" and "_"', async () => {
    const standard = token.replace(/-/g, '+').replace(/_/g, '/');
    expect(standard).not.toBe(token);
    await malformed(standard);
  });
  test('non-canonical trailing bits in the signature (same bytes, other spelling)', async () => {
    const [h, p, s] = segments(token);
    // RS256: 256 bytes = 342 chars, the last char carries 4 unused bits.
    const last = s[s.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const variant = `${h}.${p}.${s.slice(0, -1)}${twin}`;
    expect(Buffer.from(variant.split('.')[2]!, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    await malformed(variant);
  });
  test('non-canonical trailing bits in the payload', async () => {
    const text = JSON.stringify(claims);
    const t = await withPayloadText(Buffer.byteLength(text) % 3 === 0 ? `${text} ` : text); // a length that leaves unused bits
    const [h, p, s] = segments(t);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(p[p.length - 1]!) ^ 1]!;
    if (p.length % 4 === 0) throw new Error('payload length leaves no unused bits');
    await malformed(`${h}.${p.slice(0, -1)}${twin}.${s}`);
  });
  test('a segment of impossible length (4n+1)', () => malformed(`${segments(token)[0]}.${segments(token)[1]}A.${segments(token)[2]}`));
});

describe('JSON', () => {
  test.each(['[]', '"text"', '123', 'null', 'true', 'not json', '', '{"alg":"RS256"'])('a header that is not a JSON object: %j', async (text) => {
    await malformed(`${b64url(text)}.${segments(token)[1]}.${segments(token)[2]}`);
  });
  test.each(['[]', '"text"', '123', 'null', 'foo', '{"sub":'])('a signed payload that is not a JSON object: %j', async (text) => {
    await malformed(await withPayloadText(text));
  });
  test('invalid UTF-8 in the header', async () => {
    const bytes = Buffer.concat([Buffer.from('{"alg":"RS256","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    await malformed(`${bytes.toString('base64url')}.${segments(token)[1]}.${segments(token)[2]}`);
  });
  test('invalid UTF-8 in a signed payload', async () => {
    const header = b64url(headerJson);
    const payload = Buffer.concat([Buffer.from(JSON.stringify(claims).slice(0, -1)), Buffer.from(',"n":"\xff"}', 'latin1')]).toString('base64url');
    const input = `${header}.${payload}`;
    const signature = await crypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, issuers.workos.key.privateKey, Buffer.from(input));
    await malformed(`${input}.${Buffer.from(signature).toString('base64url')}`);
  });
  test('a byte-order mark before the header JSON', () => malformed(`${b64url(`\ufeff${headerJson}`)}.${segments(token)[1]}.${segments(token)[2]}`));
  test('duplicate "sub" in a validly signed payload', async () => {
    const text = JSON.stringify(claims).replace('{', '{"sub":"user_01ATTACKER",');
    await malformed(await withPayloadText(text));
  });
  test('duplicate keys spelled differently ("sub" and "\\u0073ub")', async () => {
    const text = JSON.stringify(claims).replace('{', '{"\\u0073ub":"user_01ATTACKER",');
    await malformed(await withPayloadText(text));
  });
  test('duplicate keys in a nested object', async () => {
    const text = JSON.stringify({ ...claims, o: { rol: 'member' } }).replace('"rol":"member"', '"rol":"member","rol":"admin"');
    await malformed(await withPayloadText(text));
  });
  test('duplicate "alg" in the header', () => withHeaderText(headerJson.replace('{', '{"alg":"none",')).then(malformed));
  test('a "__proto__" key in the payload', async () => {
    await malformed(await withPayloadText(JSON.stringify(claims).replace('{', '{"__proto__":{"permissions":["admin"]},')));
  });
  test('a "__proto__" key in the header', () => withHeaderText(headerJson.replace('{', '{"__proto__":{"alg":"none"},')).then(malformed));
  test('"constructor" and "prototype" claims grant nothing and pollute nothing', async () => {
    const text = JSON.stringify({ ...claims, constructor: { prototype: { permissions: ['admin'], admin: true } }, prototype: { scope: 'admin' } });
    const res = await bearer(app, await withPayloadText(text));
    expect(res.status).toBe(200);
    expect(res.body.scopes).toEqual([]);
    expect(res.body.scope).toBe('');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).permissions).toBeUndefined();
  });
  test('duplicate-looking keys in different objects are fine', async () => {
    const res = await bearer(app, await withPayloadText(JSON.stringify({ ...claims, a: { x: 1 }, b: { x: 2 }, c: [{ x: 1 }, { x: 2 }] })));
    expect(res.status).toBe(200);
  });
});

describe('JWS extensions', () => {
  test.each([['exp'], ['unknown-ext'], [], 'exp', 1, null])('crit %j', async (crit) => {
    await malformed(await withHeaderText(JSON.stringify({ alg: 'RS256', kid: issuers.workos.key.kid, crit })));
  });
  test.each([false, true, 'false'])('b64 %j', async (b64) => {
    await malformed(await withHeaderText(JSON.stringify({ alg: 'RS256', kid: issuers.workos.key.kid, b64 })));
  });
  test('b64:false with crit, payload unencoded', async () => {
    const header = JSON.stringify({ alg: 'RS256', kid: issuers.workos.key.kid, b64: false, crit: ['b64'] });
    await malformed(await withHeaderText(header));
  });
  test('an alg that is not a string', async () => {
    await malformed(await withHeaderText(JSON.stringify({ alg: ['RS256'], kid: issuers.workos.key.kid })));
  });
  test('no alg', async () => {
    await malformed(await withHeaderText(JSON.stringify({ kid: issuers.workos.key.kid })));
  });
});
