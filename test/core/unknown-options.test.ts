/** Misspelled option names are refused at construction, naming the closest valid one; data objects are exempt. */
import { clerk, createVerifier, hasuraTemplate, memoryStore, oidc, remote, stytch, tokenTemplates, workos } from '../../src';
import { sessionGuard as expressGuard } from '../../src/express';
import { sessionGuard as koaGuard } from '../../src/koa';
import { identityRouter } from '../../src/identity';
import { redisStore } from '../../src/redis';

const provider = workos({ clientId: 'client_1' });

test.each<[string, () => unknown, RegExp]>([
  ['audiance (oidc)', () => oidc({ issuer: 'https://idp.example.com', jwksUrl: 'https://idp.example.com/k', audience: 'a', audiance: 'b' } as never), /oidc\(\): unknown option "audiance"; did you mean "audience"\?/],
  ['authorisedParties (clerk)', () => clerk({ issuer: 'https://clerk.example.com', authorisedParties: [] } as never), /clerk\(\): unknown option "authorisedParties"; did you mean "authorizedParties"\?/],
  ['clientID (workos)', () => workos({ clientId: 'client_1', clientID: 'x' } as never), /workos\(\): unknown option "clientID"; did you mean "clientId"\?/],
  ['projectID (stytch)', () => stytch({ projectId: 'project-test-1', projectID: 'x' } as never), /stytch\(\): unknown option "projectID"; did you mean "projectId"\?/],
  ['tokenCahce', () => createVerifier({ providers: [provider], tokenCahce: false } as never), /sessionGuard\(\): unknown option "tokenCahce"; did you mean "tokenCache"\?/],
  ['onevent', () => createVerifier({ providers: [provider], onevent: () => undefined } as never), /unknown option "onevent"; did you mean "onEvent"\?/],
  ['keySets.fetchTimeout', () => createVerifier({ providers: [provider], keySets: { fetchTimeout: 100 } } as never), /keySets: unknown option "fetchTimeout"; did you mean "fetchTimeoutMs"\?/],
  ['tokenCache.maxTTLSeconds', () => createVerifier({ providers: [provider], tokenCache: { maxTTLSeconds: 1 } } as never), /tokenCache: unknown option "maxTTLSeconds"; did you mean "maxTtlSeconds"\?/],
  ['legacyUserCache.ttl', () => createVerifier({ providers: [provider], legacyUserCache: { ttl: 1 } } as never), /legacyUserCache: unknown option "ttl"; did you mean "ttlSeconds"\?/],
  ['allowedOrigin', () => createVerifier({ providers: [provider], allowedOrigin: ['https://a.example'] } as never), /did you mean "allowedOrigins"\?/],
  ['the Express adapter', () => expressGuard({ providers: [provider], realms: 'x' } as never), /unknown option "realms"; did you mean "realm"\?/],
  ['the Koa adapter', () => koaGuard({ providers: [provider], cookiename: 'x' } as never), /unknown option "cookiename"; did you mean "cookieName"\?/],
  ['remote()', () => remote({ url: 'https://id.example.com', credentials: 'k', timeout: 5 } as never), /remote\(\): unknown option "timeout"; did you mean "timeoutMs"\?/],
  ['remote() cache', () => remote({ url: 'https://id.example.com', credentials: 'k', cache: { maxTtl: 5 } } as never), /remote\(\) cache: unknown option "maxTtl"; did you mean "maxTtlSeconds"\?/],
  ['identityRouter()', () => identityRouter({ providers: [provider], serviceAuht: {} } as never), /identityRouter\(\): unknown option "serviceAuht"; did you mean "serviceAuth"\?/],
  ['serviceAuth', () => identityRouter({ providers: [provider], serviceAuth: { apiKey: [] } } as never), /serviceAuth: unknown option "apiKey"; did you mean "apiKeys"\?/],
  ['tokenTemplates()', () => tokenTemplates({ issuer: 'https://id.example.com', templates: [], signingkey: {} } as never), /tokenTemplates\(\): unknown option "signingkey"; did you mean "signingKey"\?/],
  ['hasuraTemplate()', () => hasuraTemplate({ defaultRoles: 'user' } as never), /hasuraTemplate\(\): unknown option "defaultRoles"; did you mean "defaultRole"\?/],
  ['memoryStore()', () => memoryStore({ maxTokenLifetime: 5 } as never), /memoryStore\(\): unknown option "maxTokenLifetime"; did you mean "maxTokenLifetimeSeconds"\?/],
  ['redisStore()', () => redisStore({ client: {}, prefx: 'x' } as never), /redisStore\(\): unknown option "prefx"; did you mean "prefix"\?/],
])('%s is refused at construction', (_title, build, message) => {
  expect(build).toThrow(TypeError);
  expect(build).toThrow(message);
});

test('data objects are exempt: a JWK\'s extra members, a Stytch policy\'s members, template claims', () => {
  const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k', use: 'sig', x5t: 'ignored', extra: true }] };
  expect(() => oidc({ issuer: 'https://idp.example.com', audience: false, jwks: jwks as never, algorithms: ['ES256'] })).not.toThrow();
  const rbac = { roles: [{ role_id: 'editor', description: 'x', permissions: [{ resource_id: 'documents', actions: ['read'], note: 'y' }] }], resources: [], scopes: [] };
  expect(() => createVerifier({ providers: [provider], rbac })).not.toThrow();
});
