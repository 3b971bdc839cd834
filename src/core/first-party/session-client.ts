/** Talks to the identity service's sessions: in-process (`{ service }`) or over HTTP (`{ serviceUrl, projectId, secret }`). */
import { assertKnownKeys } from '../options-keys.js';
import { LOOPBACK_HOSTS } from '../providers/validate.js';

/** What `createIdentityService()` returns, as far as the refresh needs it. */
export interface InProcessSessions {
  sessionsInProcess(operation: 'authenticate' | 'revoke', body: Record<string, unknown>): Promise<{ status: number; body: string }>;
}

export interface RefreshOptions {
  /** The identity service's base URL (https, or http on loopback). */
  serviceUrl?: string;
  projectId?: string;
  /** A sessions secret with the scopes `sessions:authenticate` and `sessions:revoke`. */
  secret?: string;
  /** The identity service itself, in this process (what `createIdentityService()` returns). */
  service?: InProcessSessions;
  /** Sliding expiry: each refresh extends the session to this many minutes from now (default: no extension). */
  extendMinutes?: number;
  /** How long a call to the service may take before the request gets a 503 (default 3000 ms). */
  timeoutMs?: number;
}

/** The service's answer: a Stytch-dialect body, or undefined when it could not be had (network, timeout, not JSON). */
export interface ServiceAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
}

export interface SessionClient {
  readonly extendMinutes: number | undefined;
  call(operation: 'authenticate' | 'revoke', body: Record<string, unknown>): Promise<ServiceAnswer>;
}

function fail(message: string): never {
  throw new TypeError(`sessionguard: refresh: ${message}`);
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Unreachable, timed out or not JSON: the caller answers 503 and keeps the cookies. */
const UNAVAILABLE: ServiceAnswer = { status: 503, body: undefined };

export function createSessionClient(options: RefreshOptions): SessionClient {
  if (typeof options !== 'object' || options === null) fail('refresh must be { serviceUrl, projectId, secret } or { service }.');
  assertKnownKeys('refresh', options, ['serviceUrl', 'projectId', 'secret', 'service', 'extendMinutes', 'timeoutMs']);
  const { extendMinutes, timeoutMs = 3000 } = options;
  if (extendMinutes !== undefined && (!Number.isInteger(extendMinutes) || extendMinutes < 5 || extendMinutes > 527040)) fail('extendMinutes must be a whole number from 5 to 527040.');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) fail('timeoutMs must be a number greater than 0.');
  const service = options.service;
  if (service !== undefined) {
    if (options.serviceUrl !== undefined || options.secret !== undefined) fail('give either service or serviceUrl with projectId and secret, not both.');
    if (typeof service?.sessionsInProcess !== 'function') fail('service must be what createIdentityService() returns.');
    return {
      extendMinutes,
      call: async (operation, body) => {
        try {
          const answer = await service.sessionsInProcess(operation, body);
          return { status: answer.status, body: parse(answer.body) };
        } catch {
          return UNAVAILABLE;
        }
      },
    };
  }
  const { serviceUrl, projectId, secret } = options;
  if (typeof serviceUrl !== 'string' || typeof projectId !== 'string' || projectId === '' || typeof secret !== 'string' || secret === '') {
    fail('refresh must be { serviceUrl, projectId, secret } or { service }.');
  }
  let base: URL;
  try {
    base = new URL(serviceUrl);
  } catch {
    fail(`serviceUrl "${serviceUrl}" is not a URL.`);
  }
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && LOOPBACK_HOSTS.test(base.hostname))) fail('serviceUrl must be https (http only on loopback).');
  const root = base.href.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${projectId}:${secret}`).toString('base64')}`;
  return {
    extendMinutes,
    call: async (operation, body) => {
      try {
        const response = await fetch(`${root}/v1/sessions/${operation}`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
        return { status: response.status, body: parse(await response.text()) };
      } catch {
        return UNAVAILABLE;
      }
    },
  };
}
