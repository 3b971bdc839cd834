import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';

export function b64url(value: string | Buffer | object): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
  return bytes.toString('base64url');
}

/** The three segments of a compact JWS. */
export function segments(token: string): [string, string, string] {
  const [h, p, s] = token.split('.');
  return [h!, p!, s!];
}

export function decodeJson(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** GET /me with a bearer token. */
export function bearer(app: Express, token: string, path = '/me'): request.Test {
  return request(app).get(path).set('Authorization', `Bearer ${token}`);
}

/** A loopback HTTP server that answers by a handler and counts requests. */
export class LoopbackHost {
  requests = 0;
  private arrivals: (() => void)[] = [];
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end()): Promise<LoopbackHost> {
    const holder: { self?: LoopbackHost } = {};
    const server = createServer((req, res) => {
      const self = holder.self!;
      self.requests++;
      for (const arrived of self.arrivals.splice(0)) arrived();
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new LoopbackHost(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.self;
  }

  /**
   * A barrier: resolves when the host has received `count` requests in all (at once if it already has).
   * Lets a test wait for a request started in the background instead of sleeping.
   */
  async received(count: number): Promise<void> {
    while (this.requests < count) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/** A settable clock for the `clock` option: no sleeping in tests. */
export function manualClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

export type KeyHostMode = 'ok' | 'down' | 'hang' | 'drip' | 'redirect' | 'huge' | 'many' | 'html' | 'reset';

/**
 * A key host in front of a test issuer that can misbehave on demand: answer
 * 500, hang, drip a body that never ends, redirect, send 10 MB or 5000 keys, reset the connection.
 */
export async function faultyKeyHost(jwks: () => unknown, redirectTo = 'http://127.0.0.1:9/'): Promise<LoopbackHost & { mode: KeyHostMode; url: string }> {
  const state: { mode: KeyHostMode } = { mode: 'ok' };
  const host = await LoopbackHost.start((_req, res) => {
    switch (state.mode) {
      case 'ok':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks()));
        return;
      case 'down':
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"down"}');
        return;
      case 'hang':
        return; // never answers
      case 'drip':
        // Headers at once, then the body never finishes.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[');
        return;
      case 'redirect':
        res.writeHead(302, { location: redirectTo }).end();
        return;
      case 'huge':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"keys":[],"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`);
        return;
      case 'many': {
        const one = (jwks() as { keys: unknown[] }).keys[0] as Record<string, unknown>;
        const keys = Array.from({ length: 5000 }, (_, i) => ({ ...one, kid: `k${i}` }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
        return;
      }
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' }).end(JSON.stringify(jwks()));
        return;
      case 'reset':
        res.socket?.destroy();
        return;
    }
  });
  return Object.defineProperties(host, {
    mode: { get: () => state.mode, set: (mode: KeyHostMode) => (state.mode = mode) },
    url: { value: `${host.origin}/jwks.json` },
  }) as LoopbackHost & { mode: KeyHostMode; url: string };
}

const SUBTLE_PARAMS: Record<string, AlgorithmIdentifier | EcdsaParams | RsaPssParams> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 } as RsaPssParams,
  ES256: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  EdDSA: { name: 'Ed25519' },
};

/**
 * Signs exact header and payload texts (duplicate keys, odd spacing...) with
 * a test key, as no JWT library would.
 */
export async function signRaw(key: { alg: string; privateKey: CryptoKey }, headerText: string, payloadText: string): Promise<string> {
  const input = `${b64url(headerText)}.${b64url(payloadText)}`;
  const signature = await crypto.subtle.sign(SUBTLE_PARAMS[key.alg]!, key.privateKey, Buffer.from(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
