/** Options are validated at construction, with messages that say what to fix. */
import { generateKeyPairSync } from 'node:crypto';
import { clerk, createVerifier, oidc, workos, type SessionGuardOptions } from '../../src';
import { sessionGuard } from '../../src/express';

const ISSUER = 'https://idp.example.com';
const JWKS_URL = 'https://idp.example.com/jwks';

function rsaPem(bits: number): string {
  return generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('provider options', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['no algorithms', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: JWKS_URL, algorithms: [] }), /algorithms must be a non-empty list/],
    ['"none"', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: JWKS_URL, algorithms: ['none'] }), /"none" algorithm is never accepted/],
    ['"NONE"', () => workos({ clientId: 'client_1', algorithms: ['NONE'] }), /"none" algorithm is never accepted/],
    ['HS256', () => clerk({ issuer: ISSUER, algorithms: ['HS256'] }), /HS256 is symmetric/],
    ['an unknown algorithm', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: JWKS_URL, algorithms: ['RS1'] }), /unsupported algorithm "RS1"/],
    ['tolerance NaN', () => workos({ clientId: 'client_1', clockToleranceSeconds: Number.NaN }), /clockToleranceSeconds must be a finite number from 0 to 300/],
    ['tolerance Infinity', () => workos({ clientId: 'client_1', clockToleranceSeconds: Infinity }), /clockToleranceSeconds/],
    ['tolerance 301', () => workos({ clientId: 'client_1', clockToleranceSeconds: 301 }), /clockToleranceSeconds must be a finite number from 0 to 300/],
    ['tolerance -1', () => workos({ clientId: 'client_1', clockToleranceSeconds: -1 }), /clockToleranceSeconds/],
    ['tolerance as a string', () => workos({ clientId: 'client_1', clockToleranceSeconds: '5' as unknown as number }), /clockToleranceSeconds/],
    ['an http key-set URL off this machine', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: 'http://keys.example.com/jwks' }), /jwksUrl must use https \(plain http is allowed only on loopback\)/],
    ['an http URL that only starts like loopback', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: 'http://127.0.0.1.evil.example/jwks' }), /jwksUrl must use https/],
    ['an http URL on a localhost lookalike', () => clerk({ issuer: ISSUER, jwksUrl: 'http://localhost.evil.example/jwks' }), /jwksUrl must use https/],
    ['an ftp key-set URL', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: 'ftp://idp.example.com/jwks' }), /jwksUrl must use https/],
    ['a key-set URL that is not a URL', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: 'keys please' }), /is not a valid URL/],
    ['oidc() without keys', () => oidc({ audience: false, issuer: ISSUER }), /jwksUrl \(or an inline jwks, or discovery: true\) is required/],
    ['two key sources', () => oidc({ audience: false, issuer: ISSUER, jwksUrl: JWKS_URL, jwks: { keys: [] } }), /give only one of jwksUrl, jwks and jwtKey/],
    ['an issuer that is not a URL', () => clerk({ issuer: 'clerk' }), /issuer "clerk" is not a URL/],
    ['a missing issuer', () => clerk({} as never), /issuer must be a non-empty string/],
    ['a missing clientId', () => workos({} as never), /clientId must be a non-empty string/],
    ['an empty authorizedParties list', () => clerk({ issuer: ISSUER, authorizedParties: [] }), /authorizedParties must be/],
    ['a jwks that is not a key set', () => oidc({ audience: false, issuer: ISSUER, jwks: { nope: true } as never }), /jwks must be a JSON Web Key Set/],
  ])('%s is refused', (_title, build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
    expect(build).toThrow(/^sessionguard: /);
  });

  test.each([
    'http://127.0.0.1:8080/jwks',
    'http://localhost:3000/jwks',
    'http://[::1]:3000/jwks',
    'https://keys.example.com/jwks',
  ])('%s is an accepted key-set URL', (url) => {
    expect(() => oidc({ audience: false, issuer: ISSUER, jwksUrl: url })).not.toThrow();
  });

  test('tolerance 0 and 300 are accepted', () => {
    expect(workos({ clientId: 'client_1', clockToleranceSeconds: 0 }).clockToleranceSeconds).toBe(0);
    expect(workos({ clientId: 'client_1', clockToleranceSeconds: 300 }).clockToleranceSeconds).toBe(300);
  });
});

describe('guard options', () => {
  const provider = workos({ clientId: 'client_1' });

  test.each<[string, () => SessionGuardOptions, RegExp]>([
    ['no options', () => undefined as never, /options are required/],
    ['no providers', () => ({ providers: [] }), /providers must be a non-empty list/],
    ['a provider that is not one', () => ({ providers: [{ issuer: ISSUER } as never] }), /each provider must come from clerk\(\), workos\(\), stytch\(\), oidc\(\) or remote\(\)/],
    ['a misspelled option', () => ({ providers: [clerk({ issuer: ISSUER })], tokenCahce: false } as never), /sessionGuard\(\): unknown option "tokenCahce"; did you mean "tokenCache"\?/],
    [
      'the same issuer twice',
      () => ({ providers: [workos({ clientId: 'client_1', name: 'a' }), workos({ clientId: 'client_1', name: 'b' })] }),
      /the issuer "https:\/\/api\.workos\.com\/" is configured twice \(a and b\)/,
    ],
    ['two providers with one name', () => ({ providers: [workos({ clientId: 'client_1' }), workos({ clientId: 'client_2' })] }), /two providers are named "workos"/],
    ['a hook that is not a function', () => ({ providers: [provider], accountStatus: 'active' as never }), /accountStatus must be a function/],
    ['an invalid cookie name', () => ({ providers: [provider], cookieName: 'my session' }), /cookieName must be a valid cookie name/],
    ['a realm with a quote', () => ({ providers: [provider], realm: 'a"b' }), /realm must be a non-empty string without quotes/],
    ['tokenCache.max 0', () => ({ providers: [provider], tokenCache: { max: 0 } }), /tokenCache\.max must be a whole number greater than 0/],
    ['a negative statusCacheTtlSeconds', () => ({ providers: [provider], statusCacheTtlSeconds: -1 }), /statusCacheTtlSeconds/],
    ['legacyUserCache.ttlSeconds NaN', () => ({ providers: [provider], legacyUserCache: { ttlSeconds: Number.NaN } }), /legacyUserCache\.ttlSeconds/],
    ['keySets.fetchTimeoutMs NaN', () => ({ providers: [provider], keySets: { fetchTimeoutMs: Number.NaN } }), /keySets\.fetchTimeoutMs/],
    ['keySets.cooldownMs negative', () => ({ providers: [provider], keySets: { cooldownMs: -1 } }), /keySets\.cooldownMs/],
    ['keySets.maxAgeMs 0', () => ({ providers: [provider], keySets: { maxAgeMs: 0 } }), /keySets\.maxAgeMs/],
    ['keySets.maxStaleMs Infinity', () => ({ providers: [provider], keySets: { maxStaleMs: Infinity } }), /keySets\.maxStaleMs/],
    ['an invalid jwtKey', () => ({ providers: [clerk({ issuer: ISSUER, jwtKey: 'not a key' })], resolveLegacyUser: () => null }), /jwtKey is not a valid PEM public key/],
    ['a 1024-bit jwtKey', () => ({ providers: [clerk({ issuer: ISSUER, jwtKey: rsaPem(1024) })], resolveLegacyUser: () => null }), /RSA key of 1024 bits \(at least 2048 required\)/],
    ['an unknown onError', () => ({ providers: [provider], onError: 'throw' as never }), /onError must be 'respond' or 'next'/],
    ['an errorBody that is not a function', () => ({ providers: [provider], errorBody: { type: 'x' } as never }), /errorBody must be a function/],
    ['a getToken that is not a function', () => ({ providers: [provider], getToken: 'x-token' as never }), /getToken must be a function/],
    ['an errorContentType with a line break', () => ({ providers: [provider], errorContentType: 'application/json\r\nX-Evil: 1' }), /errorContentType must be a media type/],
    ['an errorContentType that is not a media type', () => ({ providers: [provider], errorContentType: 'json' }), /errorContentType must be a media type/],
    ['a requestIdHeader with a space', () => ({ providers: [provider], requestIdHeader: 'x request id' }), /requestIdHeader must be a header name/],
    ['a logger without error()', () => ({ providers: [provider], logger: { warn: () => undefined } as never }), /logger must have warn\(\) and error\(\) methods/],
    ['a string as the logger', () => ({ providers: [provider], logger: 'pino' as never }), /logger must have warn\(\) and error\(\)/],
    [
      'an inline jwks with a symmetric key',
      () => ({ providers: [oidc({ audience: false, issuer: ISSUER, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })] }),
      /key refused \(symmetric key\)/,
    ],
  ])('%s is refused by sessionGuard() and createVerifier()', (_title, options, message) => {
    expect(() => sessionGuard(options())).toThrow(message);
    expect(() => createVerifier(options())).toThrow(TypeError);
  });

  test('a valid configuration constructs without any network', () => {
    expect(() =>
      sessionGuard({
        providers: [clerk({ issuer: 'https://clerk.example.com', authorizedParties: ['https://app.example.com'] }), provider],
        resolveLegacyUser: () => null,
        keySets: { fetchTimeoutMs: 2000, cooldownMs: 0, maxStaleMs: 0 },
        onError: 'next',
        errorBody: (error) => ({ title: error.error }),
        errorContentType: 'application/problem+json; charset=utf-8',
        getToken: () => undefined,
        requestIdHeader: 'X-Correlation-Id',
        logger: console,
      }),
    ).not.toThrow();
  });
});
