import { startKoaDemo, type KoaDemo } from '../../examples/koa/app';

// The Koa demo's curl commands, run for real against the demo server.
let demo: KoaDemo;
beforeAll(async () => {
  demo = await startKoaDemo();
});
afterAll(() => demo.close());

async function get(path: string, token?: string): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${demo.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
}

test('ctx.state.auth carries the principal', async () => {
  const { status, body } = await get('/me', demo.tokens.reader);
  expect(status).toBe(200);
  expect(body).toMatchObject({ subject: 'user_01KOAREADER', scope: 'orders:read' });
});

test('requireScope passes with the scope and answers 403 insufficient_scope without it', async () => {
  expect(await get('/orders', demo.tokens.reader)).toMatchObject({ status: 200, body: { for: 'user_01KOAREADER' } });
  const refused = await get('/orders', demo.tokens.noScope);
  expect({ status: refused.status, error: refused.body.error, reason: refused.body.reason }).toEqual({ status: 403, error: 'insufficient_scope', reason: undefined });
  expect(refused.challenge).toBe('Bearer realm="api", error="insufficient_scope", scope="orders:read"');
});

test('expired and missing tokens are 401s; the optional route and health answer anonymously', async () => {
  expect(await get('/me', demo.tokens.expired)).toMatchObject({ status: 401, body: { error: 'token_expired' } });
  expect(await get('/me')).toMatchObject({ status: 401, body: { error: 'missing_token' } });
  expect(await get('/feed')).toMatchObject({ status: 200, body: { greeting: 'hello anonymous' } });
  expect(await get('/health')).toMatchObject({ status: 200, body: { ready: true } });
});
