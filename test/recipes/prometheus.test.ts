import { Registry } from 'prom-client';
import request from 'supertest';
import { metricsListener } from '../../examples/recipes/prometheus';
import { guardedApp } from '../helpers';
import { faultyKeyHost, useIssuers } from '../support/issuers';

// docs/recipes/prometheus.md: prom-client counters and a histogram of key-fetch time.
const issuers = useIssuers({ workos: { kind: 'workos' } });

test('rejections, cache hits and misses, and key-fetch time are counted', async () => {
  const registry = new Registry();
  const { app } = guardedApp({ providers: [issuers.workos.provider()], onEvent: metricsListener(registry) });
  const token = await issuers.workos.sessionToken();
  await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
  await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
  await request(app).get('/me').expect(401);
  await request(app).get('/me').set('Authorization', 'Bearer not-a-jws').expect(401);

  const text = await registry.metrics();
  expect(text).toContain('sessionguard_token_cache_total{provider="workos",result="miss"} 1');
  expect(text).toContain('sessionguard_token_cache_total{provider="workos",result="hit"} 1');
  expect(text).toContain('sessionguard_rejections_total{status="401",error="missing_token",reason=""} 1');
  expect(text).toContain('sessionguard_rejections_total{status="401",error="invalid_token",reason="token_malformed"} 1');
  expect(text).toContain('sessionguard_key_fetch_seconds_count{provider="workos",ok="true"} 1');
  expect(text).toMatch(/sessionguard_key_fetch_seconds_bucket\{le="5",provider="workos",ok="true"\} 1/);
});

test('a failed key fetch and a failing hook are counted too', async () => {
  const host = await faultyKeyHost(() => issuers.workos.jwks());
  host.mode = 'down';
  try {
    const registry = new Registry();
    const { app, logged } = guardedApp({
      providers: [issuers.workos.provider({ jwksUrl: host.url })],
      onEvent: metricsListener(registry),
    });
    await request(app).get('/me').set('Authorization', `Bearer ${await issuers.workos.sessionToken()}`).expect(503);
    const text = await registry.metrics();
    expect(text).toContain('sessionguard_key_fetch_seconds_count{provider="workos",ok="false"} 1');
    expect(text).toContain('sessionguard_rejections_total{status="503",error="service_unavailable",reason="jwks_unavailable"} 1');
    expect(logged.map((line) => line.fields.sessionguard)).toEqual(['key_fetch_failed']);
  } finally {
    await host.close();
  }
});
