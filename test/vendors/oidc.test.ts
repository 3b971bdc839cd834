/** oidc(): the audience is required (or explicitly waived), and OIDC discovery with its limits. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { oidc, type SessionEvent } from '../../src';
import { createTestIssuer, TEST_OIDC_AUDIENCE, type TestIssuer } from '../../src/testing';
import { withVerifier } from './support';

describe('audience', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ kind: 'oidc' });
  });
  afterAll(() => issuer.close());

  test('oidc() without audience is refused at construction, saying how to opt out', () => {
    expect(() => oidc({ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl } as never)).toThrow(/audience is required.*audience: false/);
  });

  test('an ID token (aud: the client id) or a token for another API is refused: audience_invalid', async () => {
    await withVerifier({ providers: [issuer.provider()] }, async (verify) => {
      for (const aud of ['spa-client-id', ['https://billing.example.com'], undefined]) {
        expect(await verify(await issuer.sessionToken({ claims: { aud } }))).toEqual({ status: 401, error: 'invalid_token', reason: 'audience_invalid' });
      }
      expect((await verify(await issuer.sessionToken({ claims: { aud: ['other', TEST_OIDC_AUDIENCE] } }))).status).toBe(200);
    });
  });

  test('audience: false accepts any audience, on purpose', async () => {
    await withVerifier({ providers: [issuer.provider({ audience: false })] }, async (verify) => {
      expect((await verify(await issuer.sessionToken({ claims: { aud: 'anything' } }))).status).toBe(200);
    });
  });
});

/** An issuer serving its discovery document (whatever `document` holds) and its key set on 127.0.0.1. */
async function discoveryHost(issuer: TestIssuer): Promise<{ url: string; requests: string[]; document: Record<string, unknown>; close: () => Promise<void> }> {
  const state = { requests: [] as string[], document: {} as Record<string, unknown> };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.requests.push(req.url ?? '');
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.document));
    } else if (req.url === '/keys') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks()));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get requests() {
      return state.requests;
    },
    get document() {
      return state.document;
    },
    set document(value) {
      state.document = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('discovery: true', () => {
  let keys: TestIssuer;
  let host: Awaited<ReturnType<typeof discoveryHost>>;
  beforeAll(async () => {
    keys = await createTestIssuer({ kind: 'oidc' });
    host = await discoveryHost(keys);
  });
  afterAll(async () => {
    await host.close();
    await keys.close();
  });
  beforeEach(() => {
    host.requests.length = 0;
  });

  const token = (issuer: string) => keys.sessionToken({ claims: { iss: issuer } });
  const provider = (extra: Record<string, unknown> = {}) => oidc({ issuer: host.url, audience: TEST_OIDC_AUDIENCE, discovery: true, ...extra });

  test('fetches the document once, then uses its jwks_uri on the issuer\'s host', async () => {
    host.document = { issuer: host.url, jwks_uri: `${host.url}/keys` };
    const events: SessionEvent[] = [];
    await withVerifier({ providers: [provider()], onEvent: (event) => events.push(event) }, async (verify) => {
      expect((await verify(await token(host.url))).status).toBe(200);
      expect((await verify(await token(host.url))).status).toBe(200);
    });
    expect(host.requests).toEqual(['/.well-known/openid-configuration', '/keys']);
    expect(events.filter((event) => event.type === 'discovery_fetch')).toEqual([expect.objectContaining({ ok: true })]);
  });

  test.each<[string, (url: string) => Record<string, unknown>]>([
    ['names another issuer', (url) => ({ issuer: `${url}/`, jwks_uri: `${url}/keys` })],
    ['has no jwks_uri', (url) => ({ issuer: url })],
    ['points jwks_uri at another host', (url) => ({ issuer: url, jwks_uri: 'https://keys.elsewhere.example/keys' })],
    ['points jwks_uri at plain http off this machine', (url) => ({ issuer: url, jwks_uri: 'http://keys.example.com/keys' })],
  ])('a document that %s is refused: 503 jwks_unavailable, keys never fetched', async (_title, document) => {
    host.document = document(host.url);
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect(await verify(await token(host.url))).toEqual({ status: 503, error: 'service_unavailable', reason: 'jwks_unavailable' });
      // Backed off: a second request within a second does not fetch the document again.
      expect(await verify(await token(host.url))).toEqual({ status: 503, error: 'service_unavailable', reason: 'jwks_unavailable' });
    });
    expect(host.requests).toEqual(['/.well-known/openid-configuration']);
  });

  test('jwksHosts lets the key set live on another host (as Google\'s does); without it that host is refused', async () => {
    // The test issuer's own server, on another port of 127.0.0.1, is "another host".
    const keysHost = new URL(keys.jwksUrl).host;
    host.document = { issuer: host.url, jwks_uri: keys.jwksUrl };
    await withVerifier({ providers: [provider({ jwksHosts: [keysHost] })] }, async (verify) => {
      expect((await verify(await token(host.url))).status).toBe(200);
    });
    await withVerifier({ providers: [provider()] }, async (verify) => {
      expect(await verify(await token(host.url))).toEqual({ status: 503, error: 'service_unavailable', reason: 'jwks_unavailable' });
    });
  });

  test.each<[string, () => unknown, RegExp]>([
    ['discovery with a jwksUrl', () => oidc({ issuer: 'https://idp.example.com', audience: 'a', discovery: true, jwksUrl: 'https://idp.example.com/keys' }), /give discovery: true or a jwksUrl\/jwks, not both/],
    ['jwksHosts without discovery', () => oidc({ issuer: 'https://idp.example.com', audience: 'a', jwksUrl: 'https://idp.example.com/keys', jwksHosts: ['x'] }), /jwksHosts applies only with discovery: true/],
    ['an issuer over plain http off this machine', () => oidc({ issuer: 'http://idp.example.com', audience: 'a', discovery: true }), /must use https/],
    ['discovery not a boolean', () => oidc({ issuer: 'https://idp.example.com', audience: 'a', discovery: 'yes' as never }), /discovery must be true or false/],
  ])('%s is refused at construction', (_title, build, message) => {
    expect(build).toThrow(message);
  });
});
