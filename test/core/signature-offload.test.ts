/**
 * Where signature checks run: on the event loop, except when requests from several
 * connections bring uncached tokens in one event-loop turn (then on libuv's thread pool).
 */
import { createHook } from 'node:async_hooks';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import express from 'express';
import { SignatureOffload } from '../../src/core/keys/signature-offload';
import { sessionGuard } from '../../src/express';
import { listen } from '../helpers';
import { createTestIssuer, type TestIssuer } from '../support/issuers';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `ask` as a callback of its own, as the event loop runs each connection's data. */
const inCallback = <T>(ask: () => T): Promise<T> => new Promise((resolve) => setImmediate(() => resolve(ask())));

describe('SignatureOffload', () => {
  test("a turn's first check runs on the event loop, and so do checks in the same callback", async () => {
    const offload = new SignatureOffload();
    await nextTurn();
    expect([offload.shouldOffload(), offload.shouldOffload(), offload.shouldOffload()]).toEqual([false, false, false]);
  });

  test('a check in a later callback of the same turn goes to the thread pool; the next turn starts on the event loop again', async () => {
    const offload = new SignatureOffload();
    // Two immediates queued together run in one check phase: two callbacks of one turn.
    const answers = await Promise.all([inCallback(() => offload.shouldOffload()), inCallback(() => offload.shouldOffload()), inCallback(() => offload.shouldOffload())]);
    expect(answers).toEqual([false, true, true]);
    await nextTurn();
    expect(await inCallback(() => offload.shouldOffload())).toBe(false);
  });

  test('a loop that awaits one verification after another is never offloaded', async () => {
    const offload = new SignatureOffload();
    await nextTurn();
    const answers: boolean[] = [];
    for (let i = 0; i < 100; i++) {
      answers.push(offload.shouldOffload());
      await Promise.resolve();
    }
    expect(answers.filter(Boolean)).toEqual([]);
  });
});

describe('a server with the token cache off', () => {
  let rs256: TestIssuer;
  let es256: TestIssuer;
  let port: number;
  let server: Server;
  let close: () => Promise<void>;
  /**
   * Signature checks completed on the thread pool: node:crypto's SIGNREQUEST jobs whose callback ran
   * (a synchronous verify is a SIGNREQUEST too, but has no callback).
   */
  let poolChecks = 0;
  const signJobs = new Set<number>();
  const hook = createHook({
    init: (id, type) => {
      if (type === 'SIGNREQUEST') signJobs.add(id);
    },
    before: (id) => {
      if (signJobs.delete(id)) poolChecks++;
    },
  });

  beforeAll(async () => {
    [rs256, es256] = await Promise.all([createTestIssuer({ kind: 'workos', alg: 'RS256' }), createTestIssuer({ kind: 'oidc', alg: 'ES256' })]);
    const guard = sessionGuard({ providers: [rs256.provider(), es256.provider()], tokenCache: false });
    await guard.warm();
    const app = express();
    app.use(guard);
    app.get('/me', (req, res) => res.json({ subject: req.auth?.subject }));
    ({ port, server, close } = await listen(app));
    hook.enable();
  });
  afterAll(async () => {
    hook.disable();
    await close();
    await Promise.all([rs256.close(), es256.close()]);
  });

  /** Resolves once the server has accepted `count` connections (and so reads from each). */
  async function accepted(count: number): Promise<void> {
    for (;;) {
      const open = await new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
      if (open >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Connects every socket first, then writes every request in one go: the server reads them all in one turn. */
  async function burst(tokens: string[]): Promise<{ status: number; body: string }[]> {
    const sockets = await Promise.all(
      tokens.map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(port, '127.0.0.1', () => resolve(socket));
            socket.on('error', reject);
          }),
      ),
    );
    await accepted(sockets.length);
    const answers = sockets.map(
      (socket) =>
        new Promise<{ status: number; body: string }>((resolve) => {
          let data = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => (data += chunk));
          socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data.split('\r\n\r\n')[1] ?? '' }));
        }),
    );
    // write, not end: Node answers no request from a client that half-closed before the answer was ready.
    sockets.forEach((socket, index) => socket.write(`GET /me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer ${tokens[index]}\r\n\r\n`));
    return Promise.all(answers);
  }

  test('requests that arrive together are checked on the thread pool, with the same verdicts', async () => {
    const valid = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? rs256 : es256).sessionToken({ sub: `user_01POOL${i}` })));
    const [header, payload] = (await rs256.sessionToken({ sub: 'user_01MALLORY' })).split('.');
    const forged = `${header}.${payload}.${valid[0]!.split('.')[2]}`;
    poolChecks = 0;
    const answers = await burst([...valid, forged]);
    expect(poolChecks).toBeGreaterThan(0);
    expect(answers.slice(0, 8).map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect(answers.slice(0, 8).map((answer) => JSON.parse(answer.body).subject)).toEqual(valid.map((_, i) => `user_01POOL${i}`));
    expect(answers[8]!.status).toBe(401);
    expect(JSON.parse(answers[8]!.body)).toMatchObject({ error: 'invalid_token', reason: 'signature_invalid' });
  });

  test('one request at a time is checked on the event loop', async () => {
    // Minted first: the test issuer signs with WebCrypto, on the thread pool.
    const tokens = await Promise.all(Array.from({ length: 5 }, () => rs256.sessionToken({ sub: 'user_01ALONE' })));
    poolChecks = 0;
    for (const token of tokens) {
      const [answer] = await burst([token]);
      expect(answer!.status).toBe(200);
    }
    expect(poolChecks).toBe(0);
  });
});
