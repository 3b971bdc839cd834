import { SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import type { SessionEvent, SessionEventListener } from 'sessionguard';

/** The request's fields as OpenTelemetry's semantic-convention attributes. */
function requestAttributes(event: { method?: string; path?: string; requestId?: string }): Attributes {
  return {
    ...(event.method === undefined ? {} : { 'http.request.method': event.method }),
    ...(event.path === undefined ? {} : { 'url.path': event.path }),
    ...(event.requestId === undefined ? {} : { 'sessionguard.request_id': event.requestId }),
  };
}

/**
 * sessionguard's events as spans: a key fetch and a status lookup span their measured time (the event
 * arrives when they end, with `durationMs`); a token-cache miss, the start of a full verification, and a
 * failing hook (with its exception) are marked where they happen. With an HTTP instrumentation and a
 * context manager registered, the request-bound ones nest under the request's span.
 */
export function tracingListener(tracer: Tracer = trace.getTracer('sessionguard')): SessionEventListener {
  return (event: SessionEvent) => {
    const now = Date.now();
    switch (event.type) {
      case 'jwks_fetch': {
        const span = tracer.startSpan('sessionguard key fetch', {
          startTime: now - event.durationMs,
          attributes: { 'sessionguard.provider': event.provider, ...(event.keys === undefined ? {} : { 'sessionguard.keys': event.keys }) },
        });
        if (!event.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: event.error ?? 'failed' });
        span.end(now);
        break;
      }
      case 'status_lookup': {
        const span = tracer.startSpan('sessionguard status lookup', { startTime: now - event.durationMs });
        if (!event.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: event.error ?? 'failed' });
        span.end(now);
        break;
      }
      case 'token_cache':
        if (!event.hit) tracer.startSpan('sessionguard token cache miss', { attributes: { 'sessionguard.provider': event.provider, ...requestAttributes(event) } }).end(now);
        break;
      case 'hook_error': {
        const span = tracer.startSpan(`sessionguard ${event.hook} failed`, { attributes: { 'sessionguard.hook': event.hook, 'sessionguard.timed_out': event.timedOut, ...requestAttributes(event) } });
        span.recordException(event.error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
        span.end(now);
        break;
      }
      default:
        break;
    }
  };
}
