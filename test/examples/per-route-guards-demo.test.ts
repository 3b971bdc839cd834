import { startGuardsDemo, type GuardsDemo } from '../../examples/per-route-guards/app';

// The per-route guards demo's curl commands, run for real against the demo server.
let demo: GuardsDemo;
beforeAll(async () => {
  demo = await startGuardsDemo();
});
afterAll(() => demo.close());

async function call(method: string, path: string, token: string): Promise<{ status: number; error: unknown; reason: unknown; body: Record<string, unknown> }> {
  const response = await fetch(`${demo.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, error: body.error, reason: body.reason, body };
}

test('requirePermission: the editor writes, the viewer only reads', async () => {
  expect(await call('POST', '/documents', demo.tokens.editor)).toMatchObject({ status: 201, body: { grantedBy: ['editor'] } });
  expect(await call('POST', '/documents', demo.tokens.viewer)).toMatchObject({ status: 403, error: 'forbidden', reason: 'permission_denied' });
  expect(await call('GET', '/documents', demo.tokens.viewer)).toMatchObject({ status: 200, body: { grantedBy: ['viewer'] } });
});

test('requireRole: admin only', async () => {
  expect(await call('GET', '/admin', demo.tokens.admin)).toMatchObject({ status: 200 });
  expect(await call('GET', '/admin', demo.tokens.editor)).toMatchObject({ status: 403, error: 'forbidden', reason: 'permission_denied' });
});

test('requireScope + requireBrand compose; the first failing guard answers', async () => {
  expect(await call('GET', '/brands/brand_acme/orders', demo.tokens.editor)).toMatchObject({ status: 200, body: { brand: 'brand_acme' } });
  expect(await call('GET', '/brands/brand_other/orders', demo.tokens.editor)).toMatchObject({ status: 403, error: 'forbidden', reason: 'brand_mismatch' });
  expect(await call('GET', '/brands/brand_other/orders', demo.tokens.viewer)).toMatchObject({ status: 403, error: 'insufficient_scope', reason: undefined });
});

test('requireSession: only the token\'s own session', async () => {
  expect(await call('DELETE', `/sessions/${demo.editorSession}`, demo.tokens.editor)).toMatchObject({ status: 200, body: { ended: demo.editorSession } });
  expect(await call('DELETE', '/sessions/session_someone_else', demo.tokens.editor)).toMatchObject({ status: 403, error: 'forbidden', reason: 'session_mismatch' });
});
