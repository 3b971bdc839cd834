import type { RequestLike, SessionError, SessionEvent } from '../../src';
import { meRoute } from '../../examples/recipes/nextjs-route';
import { collectingLogger } from '../support/logger';
import { useIssuers } from '../support/issuers';

// docs/recipes/nextjs.md: route handlers called as Next.js calls them, with real Fetch Requests.
const issuers = useIssuers({ workos: { kind: 'workos' } });
const URL_ME = 'https://app.example.com/api/me?tab=1';

function route(options: Parameters<typeof meRoute>[0] = {}) {
  return meRoute({ providers: [issuers.workos.provider()], logger: collectingLogger(), ...options });
}

test('a valid token reaches the handler; POST bodies are still readable', async () => {
  const { GET, POST } = route();
  const token = await issuers.workos.sessionToken();
  const get = await GET(new Request(URL_ME, { headers: { authorization: `Bearer ${token}` } }));
  expect(get.status).toBe(200);
  expect(await get.json()).toEqual({ subject: 'user_01TESTWORKOS' });
  const post = await POST(new Request(URL_ME, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"a":1}' }));
  expect(post.status).toBe(201);
  expect(await post.json()).toEqual({ subject: 'user_01TESTWORKOS', received: { a: 1 } });
});

test('no token: the standard 401 with its challenge, and an event with the request', async () => {
  const events: SessionEvent[] = [];
  const { GET } = route({ onEvent: (event) => events.push(event) });
  const res = await GET(new Request(URL_ME, { headers: { 'x-request-id': 'next-1' } }));
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await res.json()).toMatchObject({ error: 'missing_token' });
  expect(events).toEqual([expect.objectContaining({ type: 'rejection', status: 401, method: 'GET', path: '/api/me', requestId: 'next-1' })]);
});

test('errorBody and errorContentType apply on the Fetch path too', async () => {
  const errorBody = (error: SessionError, request: RequestLike) => ({ title: error.error, status: error.status, instance: new URL(request.url ?? '/').pathname });
  const { GET } = route({ errorBody, errorContentType: 'application/problem+json' });
  const res = await GET(new Request(URL_ME, { headers: { authorization: 'Bearer not-a-jws' } }));
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token"/);
  expect(await res.json()).toEqual({ title: 'invalid_token', status: 401, instance: '/api/me' });
});

test('two Authorization lines, folded by Headers into one value: 400 duplicate_authorization', async () => {
  const { GET } = route();
  const headers = new Headers();
  headers.append('authorization', 'Bearer a.b.c');
  headers.append('authorization', 'Bearer d.e.f');
  const res = await GET(new Request(URL_ME, { headers }));
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: 'invalid_request', reason: 'duplicate_authorization' });
});
