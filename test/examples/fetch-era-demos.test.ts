import { startFastifyDemo } from '../../examples/fastify/app';
import { startHonoDemo } from '../../examples/hono/app';

/** What the test needs of a demo: its URL, its tokens, and a way to stop it. */
type Demo = Awaited<ReturnType<typeof startFastifyDemo>> | Awaited<ReturnType<typeof startHonoDemo>>;

// The Fastify and Hono demos' curl commands, run for real against each demo server.
describe.each([
  ['Fastify', startFastifyDemo as () => Promise<Demo>, 'user_01FASTIFYREADER'],
  ['Hono', startHonoDemo as () => Promise<Demo>, 'user_01HONOREADER'],
])('the %s demo', (_name, start, reader) => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await start();
  });
  afterAll(() => demo.close());

  async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
    const response = await fetch(`${demo.url}${path}`, { headers });
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test('the principal reaches the route, from the header or the session cookie', async () => {
    expect(await get('/me', bearer(demo.tokens.reader))).toMatchObject({ status: 200, body: { subject: reader, scope: 'orders:read' } });
    expect(await get('/me', { cookie: `__session=${demo.tokens.reader}` })).toMatchObject({ status: 200, body: { subject: reader } });
  });

  test('requireScope passes with the scope and answers 403 insufficient_scope without it', async () => {
    expect(await get('/orders', bearer(demo.tokens.reader))).toMatchObject({ status: 200, body: { for: reader } });
    const refused = await get('/orders', bearer(demo.tokens.noScope));
    expect({ status: refused.status, error: refused.body.error, reason: refused.body.reason }).toEqual({ status: 403, error: 'insufficient_scope', reason: undefined });
    expect(refused.challenge).toBe('Bearer realm="api", error="insufficient_scope", scope="orders:read"');
  });

  test('expired and missing tokens are 401s; the optional route and health answer anonymously', async () => {
    expect(await get('/me', bearer(demo.tokens.expired))).toMatchObject({ status: 401, body: { error: 'token_expired' } });
    expect(await get('/me')).toMatchObject({ status: 401, body: { error: 'missing_token' } });
    expect(await get('/feed')).toMatchObject({ status: 200, body: { greeting: 'hello anonymous' } });
    expect(await get('/feed', bearer(demo.tokens.reader))).toMatchObject({ status: 200, body: { greeting: `hello ${reader}` } });
    expect(await get('/health')).toMatchObject({ status: 200, body: { ready: true } });
  });
});
