/**
 * Project Wycheproof's JWS vectors (test/fixtures/wycheproof, Apache-2.0).
 * The vectors are raw JWS, not JWTs (payloads like "foo", no iss), so validity
 * is checked at the signature layer the verifier uses (shape, header checks,
 * key import, verifySignature) and every vector is also sent through the
 * Express middleware, where none may pass or cause a 5xx.
 */
import type { JSONWebKeySet, JWK } from 'jose';
import { guardedApp, expectError } from '../helpers';
import { oidc, type JsonWebKeySet } from '../../src';
import { checkHeader, checkTokenShape, decodeJws } from '../../src/core/token/decode';
import { LocalKeySet } from '../../src/core/keys/local-key-set';
import { verifySignature } from '../../src/core/keys/verify-signature';
import { ALGORITHMS, SUPPORTED_ALGORITHMS } from '../../src/core/keys/algorithms';
import vectors from '../fixtures/wycheproof/json_web_signature_test.json';
import keyVectors from '../fixtures/wycheproof/json_web_key_test.json';
import { bearer } from './support';

interface Vector {
  tcId: number;
  comment: string;
  jws: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface Group {
  comment: string;
  /** A JWK (signature file) or a JWK set (key file). */
  public?: JWK | { keys: JWK[] };
  tests: Vector[];
}

function keysOf(group: Group): JWK[] {
  if (group.public === undefined) return [];
  return 'keys' in group.public ? group.public.keys : [group.public];
}

function hasSupportedKeys(group: Group): boolean {
  const keys = keysOf(group);
  return keys.length > 0 && keys.every((key) => SUPPORTED_KTY.has(key.kty as string));
}

const SUPPORTED_KTY = new Set(['RSA', 'EC', 'OKP']);
const groups = (vectors as { testGroups: Group[] }).testGroups;

/**
 * Valid vectors sessionguard refuses on purpose (see SECURITY.md, "Wycheproof").
 * tcId -> why.
 */
const DELIBERATELY_REFUSED: Record<number, string> = {
  // An empty payload is never a JWT; a compact JWS has three non-empty segments here.
  259: 'rs256/emptyPayload: token_malformed',
  264: 'rs384/emptyPayload: token_malformed',
  268: 'rs512/emptyPayload: token_malformed',
  272: 'ps256/emptyPayload: token_malformed',
  320: 'ps384/emptyPayload: token_malformed',
  325: 'ps512/emptyPayload: token_malformed',
  // The JWK declares alg PS256 and the token PS384: a key is used only for the algorithm it declares.
  346: 'rfc7520/Figure20: alg_not_allowed',
  350: 'rfc7520WithKeyOps/Figure20: alg_not_allowed',
  // The JWK declares the non-standard alg "ES521" and the token ES512: same rule.
  347: 'rfc7520/Figure27: alg_not_allowed',
  351: 'rfc7520WithKeyOps/Figure27: alg_not_allowed',
};

/** Everything the verifier does before claims, for a raw JWS and one key set. Returns the first refusal, or 'accepted'. */
async function signatureLayer(jws: string, keySet: LocalKeySet): Promise<string> {
  const shape = checkTokenShape(jws);
  if (shape !== undefined) return shape;
  const decoded = decodeJws(jws);
  if (decoded === undefined) return 'token_malformed';
  const { header, signature } = decoded;
  const headerProblem = checkHeader(header);
  if (headerProblem !== undefined) return headerProblem.reason;
  const alg = header.alg as string;
  if (!ALGORITHMS.has(alg)) return 'alg_not_allowed';
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') return 'kid_unknown';
  try {
    await verifySignature(jws, signature, keySet, kid, alg);
    return 'accepted';
  } catch (error) {
    return (error as { reason?: string }).reason ?? 'error';
  }
}

function keySetFor(group: Group): LocalKeySet | string {
  try {
    return LocalKeySet.fromConfig('wycheproof', { jwks: { keys: keysOf(group) } as JSONWebKeySet });
  } catch (error) {
    return (error as Error).message;
  }
}

const supported = groups.filter(hasSupportedKeys);
const keyGroups = (keyVectors as unknown as { testGroups: Group[] }).testGroups;

test('the fixture is the whole Wycheproof JWS file', () => {
  expect(groups.reduce((n, g) => n + g.tests.length, 0)).toBe((vectors as { numberOfTests: number }).numberOfTests);
  expect(supported.reduce((n, g) => n + g.tests.length, 0)).toBeGreaterThan(300);
});

test('signature layer: every invalid vector is refused, every valid one accepted unless deliberately refused', async () => {
  const outcomes: { tcId: number; result: string; got: string; comment: string; group: string }[] = [];
  for (const group of supported) {
    const keySet = keySetFor(group);
    for (const vector of group.tests) {
      const got = typeof keySet === 'string' ? 'key_refused' : await signatureLayer(vector.jws, keySet);
      outcomes.push({ tcId: vector.tcId, result: vector.result, got, comment: vector.comment, group: group.comment });
    }
  }
  const wronglyAccepted = outcomes.filter((o) => o.result === 'invalid' && o.got === 'accepted');
  expect(wronglyAccepted).toEqual([]);
  const refusedValid = outcomes.filter((o) => o.result === 'valid' && o.got !== 'accepted');
  expect(Object.fromEntries(refusedValid.map((o) => [o.tcId, `${o.group}/${o.comment}: ${o.got}`]))).toEqual(DELIBERATELY_REFUSED);
  expect(outcomes.filter((o) => o.got === 'accepted').length).toBeGreaterThan(0);
});

test('json_web_key_test: no invalid vector passes the signature layer; valid ones with supported keys do', async () => {
  const outcomes: Record<string, string> = {};
  for (const group of keyGroups.filter(hasSupportedKeys)) {
    const keySet = keySetFor(group);
    for (const vector of group.tests) {
      const got = typeof keySet === 'string' ? 'key_refused' : await signatureLayer(vector.jws, keySet);
      outcomes[`${vector.tcId} ${group.comment}/${vector.comment} (${vector.result})`] = got;
    }
  }
  for (const [name, got] of Object.entries(outcomes)) {
    if (name.endsWith('(invalid)')) expect([name, got]).not.toEqual([name, 'accepted']);
    else expect([name, got]).toEqual([name, 'accepted']);
  }
  expect(Object.keys(outcomes).length).toBeGreaterThan(5);
});

describe('through the Express middleware', () => {
  const all = groups.flatMap((group) => group.tests.map((vector) => ({ group, vector })));
  const apps = new Map<Group, ReturnType<typeof guardedApp>['app']>();
  function appFor(group: Group) {
    let app = apps.get(group);
    if (app === undefined) {
      const keys = hasSupportedKeys(group) && typeof keySetFor(group) !== 'string' ? keysOf(group) : [];
      // A group whose key sessionguard refuses is served a key set it accepts, so the vector still reaches the verifier.
      const jwks = { keys: keys.length > 0 ? keys : [FALLBACK_KEY] } as JsonWebKeySet;
      app = guardedApp({ providers: [oidc({ audience: false, issuer: 'https://wycheproof.test', jwks, algorithms: [...SUPPORTED_ALGORITHMS] })] }).app;
      apps.set(group, app);
    }
    return app;
  }

  test(`all ${all.length} vectors: a 401 invalid_token, never a pass or a 5xx`, async () => {
    const reasons = new Map<string, number>();
    for (const { group, vector } of all) {
      const res = await bearer(appFor(group), vector.jws);
      if (vector.jws.trim() === '') {
        expectError(res, 400, 'invalid_request', 'empty_bearer');
        continue;
      }
      if (/[\s,]/.test(vector.jws.trim())) {
        // More than one credential in one header, as far as RFC 6750 goes.
        expectError(res, 400, 'invalid_request', 'duplicate_authorization');
        continue;
      }
      expectError(res, 401, 'invalid_token', res.body.reason as string);
      reasons.set(res.body.reason as string, (reasons.get(res.body.reason as string) ?? 0) + 1);
    }
    // Payloads are not JWT claim sets: the vectors stop at shape, header, algorithm or claims checks.
    expect([...reasons.keys()].every((r) => ['token_malformed', 'alg_not_allowed', 'kid_unknown', 'claim_missing', 'signature_invalid', 'token_too_large'].includes(r))).toBe(true);
  });
});

const FALLBACK_KEY: JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'fallback',
};
