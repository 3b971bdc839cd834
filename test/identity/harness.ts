import { createServer } from 'node:http';
import type { Express } from 'express';
import request from 'supertest';
import { expectDocumented } from './api-document';
import { listen, type RunningApp } from '../conformance/apps';

/** An app listening on 127.0.0.1, with its base URL. */
export type Served = RunningApp;

export function serve(app: Express): Promise<Served> {
  return listen(createServer(app));
}

export interface CallOptions {
  auth?: string;
  /** A JSON value, or a raw string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A response as supertest gives it. */
export type IdentityResponse = request.Response;

/** What identityClient answers (named, so the declaration does not depend on where node_modules lives). */
export interface IdentityClient {
  verify(options?: CallOptions): Promise<IdentityResponse>;
  verifySession(sessionId: string, options?: CallOptions): Promise<IdentityResponse>;
  mint(sessionId: string, template: string, options?: CallOptions): Promise<IdentityResponse>;
  jwks(): Promise<IdentityResponse>;
}

/** Calls the identity service and checks every answer against openapi/identity.json. */
export function identityClient(base: string): IdentityClient {
  async function post(path: string, template: string, options: CallOptions = {}): Promise<IdentityResponse> {
    let call = request(base).post(path).set('Content-Type', 'application/json');
    if (options.auth !== undefined) call = call.set('Authorization', options.auth);
    for (const [name, value] of Object.entries(options.headers ?? {})) call = call.set(name, value);
    const res = await (options.body === undefined ? call : call.send(typeof options.body === 'string' ? options.body : JSON.stringify(options.body)));
    expectDocumented(res, 'post', template);
    return res;
  }
  return {
    verify: (options?: CallOptions) => post('/v1/sessions/verify', '/v1/sessions/verify', options),
    verifySession: (sessionId: string, options?: CallOptions) =>
      post(`/v1/sessions/${encodeURIComponent(sessionId)}/verify`, '/v1/sessions/{session_id}/verify', options),
    mint: (sessionId: string, template: string, options?: CallOptions) =>
      post(`/v1/sessions/${encodeURIComponent(sessionId)}/tokens/${encodeURIComponent(template)}`, '/v1/sessions/{session_id}/tokens/{template_name}', options),
    async jwks() {
      const res = await request(base).get('/.well-known/jwks.json');
      expectDocumented(res, 'get', '/.well-known/jwks.json');
      return res;
    },
  };
}

/** The decoded header and payload of a compact JWS (for assertions only). */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}
