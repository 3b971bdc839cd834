import { startDemo, type Demo } from '../../examples/express/app';

// The demo's curl commands, run for real against the demo server.
let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.close());

async function get(path: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${demo.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('a WorkOS user gets 200 with the principal', async () => {
  const { status, body } = await get('/me', demo.tokens.workos);
  expect(status).toBe(200);
  expect(body).toMatchObject({ subject: 'user_01WORKOSGRACE', workosUserId: 'user_01WORKOSGRACE', clerkUserId: null, brandId: 'brand_acme', scope: 'orders:read' });
});

test('a legacy Clerk user is mapped to a WorkOS user id', async () => {
  const { status, body } = await get('/me', demo.tokens.legacyClerk);
  expect(status).toBe(200);
  expect(body).toMatchObject({ subject: 'user_01ADAFROMCLERK', clerkUserId: 'user_2LegacyClerkAda', scope: 'org:orders:read org:orders:write', roles: ['org:admin'], permissions: ['org:orders:read', 'org:orders:write'], organizationId: 'org_1' });
});

test('a suspended user gets 403 with suspended_until and reason', async () => {
  const { status, body } = await get('/me', demo.tokens.suspended);
  expect(status).toBe(403);
  expect(body).toMatchObject({ error: 'account_suspended', reason: 'chargeback under review' });
  expect(Date.parse(body.suspended_until as string)).toBeGreaterThan(Date.now());
});

test('a banned user gets 403 account_banned', async () => {
  const { status, body } = await get('/me', demo.tokens.banned);
  expect({ status, error: body.error, reason: body.reason }).toEqual({ status: 403, error: 'account_banned', reason: 'terms of service violation' });
});

test('an expired token gets 401 token_expired and no token 401 missing_token', async () => {
  expect(await get('/me', demo.tokens.expired)).toMatchObject({ status: 401, body: { error: 'token_expired' } });
  expect(await get('/me')).toMatchObject({ status: 401, body: { error: 'missing_token' } });
});

test('the optional route serves anonymous requests and the health route reports readiness', async () => {
  expect(await get('/feed')).toEqual({ status: 200, body: { greeting: 'hello anonymous' } });
  expect(await get('/health')).toEqual({ status: 200, body: { ready: true } });
});
