import { startHonoDemo, type HonoDemo } from '../../examples/hono/app';

// The Hono demo's curl commands, run for real against the demo server.
let demo: HonoDemo;
beforeAll(async () => {
  demo = await startHonoDemo();
});
afterAll(() => demo.close());

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${demo.url}${path}`, { headers });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test('the principal reaches the route, from the header or the session cookie', async () => {
  expect(await get('/me', bearer(demo.tokens.reader))).toMatchObject({ status: 200, body: { subject: 'user_01HONOREADER', scope: 'orders:read' } });
  expect(await get('/me', { cookie: `__session=${demo.tokens.reader}` })).toMatchObject({ status: 200, body: { subject: 'user_01HONOREADER' } });
});

test('requireScope passes with the scope and answers 403 insufficient_scope without it', async () => {
  expect(await get('/orders', bearer(demo.tokens.reader))).toMatchObject({ status: 200, body: { for: 'user_01HONOREADER' } });
  const refused = await get('/orders', bearer(demo.tokens.noScope));
  expect({ status: refused.status, error: refused.body.error, reason: refused.body.reason }).toEqual({ status: 403, error: 'insufficient_scope', reason: undefined });
  expect(refused.challenge).toBe('Bearer realm="api", error="insufficient_scope", scope="orders:read"');
});

test('expired and missing tokens are 401s; the optional route and health answer anonymously', async () => {
  expect(await get('/me', bearer(demo.tokens.expired))).toMatchObject({ status: 401, body: { error: 'token_expired' } });
  expect(await get('/me')).toMatchObject({ status: 401, body: { error: 'missing_token' } });
  expect(await get('/feed')).toMatchObject({ status: 200, body: { greeting: 'hello anonymous' } });
  expect(await get('/feed', bearer(demo.tokens.reader))).toMatchObject({ status: 200, body: { greeting: 'hello user_01HONOREADER' } });
  expect(await get('/health')).toMatchObject({ status: 200, body: { ready: true } });
});
