/**
 * The one place tests get their issuers from: test issuers (real keys, a real JWKS over HTTP on
 * 127.0.0.1), extra key pairs, key hosts that misbehave on demand, tokens signed byte for byte,
 * and the clock the verifier is given. Nothing here knows about Express or Koa.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { createTestIssuer, type TestAlgorithm, type TestIssuer, type TestIssuerOptions, type TestKey } from '../../src/testing';

export { createTestIssuer, type TestAlgorithm, type TestIssuer, type TestIssuerOptions, type TestKey };

/** Issuers started together (by name); close them with closeIssuers. */
export async function startIssuers<T extends Record<string, TestIssuerOptions>>(specs: T): Promise<{ [K in keyof T]: TestIssuer }> {
  const entries = await Promise.all(Object.entries(specs).map(async ([name, spec]) => [name, await createTestIssuer(spec)] as const));
  return Object.fromEntries(entries) as { [K in keyof T]: TestIssuer };
}

export async function closeIssuers(issuers: Record<string, TestIssuer>): Promise<void> {
  await Promise.all(Object.values(issuers).map((issuer) => issuer.close()));
}

/**
 * Issuers for a whole test file: started before its first test (call it at the top of the file,
 * before the file's own beforeAll, which can then use them) and closed after its last.
 */
export function useIssuers<T extends Record<string, TestIssuerOptions>>(specs: T): { readonly [K in keyof T]: TestIssuer } {
  const issuers = {} as { [K in keyof T]: TestIssuer };
  beforeAll(async () => {
    Object.assign(issuers, await startIssuers(specs));
  });
  afterAll(() => closeIssuers(issuers));
  return issuers;
}

/** A key pair made outside any issuer (e.g. a 3072-bit RSA key, or a key with a chosen kid). */
export async function createKey(alg: TestAlgorithm, options: { kid?: string; modulusLength?: number } = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(options.modulusLength === undefined ? {} : { modulusLength: options.modulusLength }) });
  const kid = options.kid ?? `key_${randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as TestKey['publicJwk'];
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

/**
 * A clock for the `clock` option, moved by hand (no sleeping in tests). It starts on a whole
 * second close to now unless told otherwise, so `seconds()` is exact.
 */
export function manualClock(startMs = Math.floor(Date.now() / 1000) * 1000): {
  now: () => number;
  seconds: () => number;
  /** Moves the clock by whole or fractional seconds. */
  advance: (seconds: number) => void;
  advanceMs: (ms: number) => void;
} {
  let current = startMs;
  return {
    now: () => current,
    seconds: () => Math.floor(current / 1000),
    advance: (seconds) => {
      current += seconds * 1000;
    },
    advanceMs: (ms) => {
      current += ms;
    },
  };
}

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
