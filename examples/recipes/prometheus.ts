import { Counter, Histogram, type Registry } from 'prom-client';
import type { SessionEvent, SessionEventListener } from 'sessionguard';

/** sessionguard's events as Prometheus metrics in `registry`: rejections, cache hits, hook failures, key-fetch time. */
export function metricsListener(registry: Registry): SessionEventListener {
  const registers = [registry];
  const rejections = new Counter({ name: 'sessionguard_rejections_total', help: 'Rejected requests', labelNames: ['status', 'error', 'reason'], registers });
  const tokenCache = new Counter({ name: 'sessionguard_token_cache_total', help: 'Verified-token cache lookups', labelNames: ['provider', 'result'], registers });
  const hookErrors = new Counter({ name: 'sessionguard_hook_errors_total', help: 'Failed or late hooks', labelNames: ['hook', 'timed_out'], registers });
  const keyFetch = new Histogram({
    name: 'sessionguard_key_fetch_seconds',
    help: 'Key-set fetch time',
    labelNames: ['provider', 'ok'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  return (event: SessionEvent) => {
    if (event.type === 'rejection') rejections.inc({ status: String(event.status), error: event.error, reason: event.reason ?? '' });
    else if (event.type === 'token_cache') tokenCache.inc({ provider: event.provider, result: event.hit ? 'hit' : 'miss' });
    else if (event.type === 'hook_error') hookErrors.inc({ hook: event.hook, timed_out: String(event.timedOut) });
    else if (event.type === 'jwks_fetch') keyFetch.observe({ provider: event.provider, ok: String(event.ok) }, event.durationMs / 1000);
  };
}
