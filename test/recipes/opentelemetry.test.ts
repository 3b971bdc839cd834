import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { tracingListener } from '../../examples/recipes/opentelemetry';
import { guardedApp } from '../helpers';
import { useIssuers } from '../support/issuers';

// docs/recipes/opentelemetry.md: spans around a token-cache miss, a key fetch and a status lookup.
const issuers = useIssuers({ workos: { kind: 'workos' } });
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => trace.setGlobalTracerProvider(provider));
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

test('a first request: a cache-miss span with the request, a key-fetch span and a status-lookup span with their durations', async () => {
  const slowStatus = () => new Promise<{ state: 'active' }>((resolve) => setTimeout(() => resolve({ state: 'active' }), 25));
  const { app } = guardedApp({ providers: [issuers.workos.provider()], accountStatus: slowStatus, onEvent: tracingListener() });
  const token = await issuers.workos.sessionToken();
  const res = await request(app).get('/me?x=1').set('Authorization', `Bearer ${token}`).set('X-Request-Id', 'trace-1');
  expect(res.status).toBe(200);

  const spans = exporter.getFinishedSpans();
  expect(spans.map((span) => span.name).sort()).toEqual(['sessionguard key fetch', 'sessionguard status lookup', 'sessionguard token cache miss']);
  const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
  expect(byName['sessionguard token cache miss']!.attributes).toEqual({ 'sessionguard.provider': 'workos', 'http.request.method': 'GET', 'url.path': '/me', 'sessionguard.request_id': 'trace-1' });
  expect(byName['sessionguard key fetch']!.attributes).toEqual({ 'sessionguard.provider': 'workos', 'sessionguard.keys': 1 });
  const millis = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
  expect(millis(byName['sessionguard status lookup']!.duration)).toBeGreaterThanOrEqual(20);
  expect(millis(byName['sessionguard key fetch']!.duration)).toBeGreaterThanOrEqual(0);

  // The same token again: served from the cache, no new miss, fetch or lookup (status is cached 5 s).
  exporter.reset();
  await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
  expect(exporter.getFinishedSpans()).toEqual([]);
});

test('a failing hook: an error span with the exception recorded', async () => {
  const { app, logged } = guardedApp({
    providers: [issuers.workos.provider()],
    accountStatus: () => {
      throw new Error('status store unreachable');
    },
    onEvent: tracingListener(),
  });
  await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`);
  const failed = exporter.getFinishedSpans().find((span) => span.name === 'sessionguard accountStatus failed')!;
  expect(failed.status).toEqual({ code: 2, message: 'status store unreachable' });
  expect(failed.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.message': 'status store unreachable' } });
  expect(exporter.getFinishedSpans().find((span) => span.name === 'sessionguard status lookup')!.status.code).toBe(2);
  expect(logged).toHaveLength(1);
});
