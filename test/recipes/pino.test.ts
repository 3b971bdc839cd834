import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../examples/recipes/pino';
import { useIssuers } from '../support/issuers';

// docs/recipes/pino.md: sessionguard's line and pino-http's access line carry the same request id.
const issuers = useIssuers({ workos: { kind: 'workos' } });

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(stream), lines };
}

function appWithFailingStatus() {
  const { logger, lines } = capturedLogger();
  const app = createApp(
    {
      providers: [issuers.workos.provider()],
      accountStatus: () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    },
    logger,
  );
  return { app, lines };
}

test.each([
  ['the proxy sent an X-Request-Id', 'req-from-proxy'],
  ['pino-http made the id', undefined],
])('%s: the sessionguard line and the access line share it', async (_name, sent) => {
  const { app, lines } = appWithFailingStatus();
  let call = request(app).get('/api/me?debug=1').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
  if (sent !== undefined) call = call.set('X-Request-Id', sent);
  const res = await call;
  expect(res.status).toBe(503);
  const id = res.headers['x-request-id'] as string;
  if (sent !== undefined) expect(id).toBe(sent);

  const ours = lines.filter((line) => line.sessionguard !== undefined);
  expect(ours).toHaveLength(1);
  expect(ours[0]).toMatchObject({
    level: 50,
    sessionguard: 'hook_failed',
    hook: 'accountStatus',
    method: 'GET',
    path: '/api/me',
    requestId: id,
    err: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432', stack: expect.stringContaining('Error: connect ECONNREFUSED') },
    msg: 'sessionguard: the accountStatus hook failed: connect ECONNREFUSED 127.0.0.1:5432; the request got a 503',
  });
  // pino-http logs a 5xx as "request errored", when the response has finished.
  await new Promise((resolve) => setImmediate(resolve));
  const access = lines.find((line) => line.msg === 'request errored');
  expect(access).toMatchObject({ req: { id, url: '/api/me?debug=1' }, res: { statusCode: 503 } });
  // Never the token.
  expect(JSON.stringify(ours)).not.toMatch(/eyJ/);
});
