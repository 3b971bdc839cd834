import { connect } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { sessionGuard, type SessionGuardMiddleware } from '../src/express';
import type { SessionGuardOptions } from '../src';
import { collectingLogger, type LoggedLine } from './support/logger';

/**
 * An Express app guarded app-wide, echoing the principal. What the guard logs (failing hooks,
 * key hosts, stores) is kept in `logged` for the test to assert; pass `logger` to see it elsewhere.
 */
export function guardedApp(options: SessionGuardOptions): { app: Express; guard: SessionGuardMiddleware; logged: LoggedLine[] } {
  const app = express();
  const logger = collectingLogger();
  const guard = sessionGuard('logger' in options ? options : { ...options, logger });
  app.get('/public', (_req, res) => res.json({ ok: true }));
  app.get('/feed', guard.optional(), (req, res) => res.json({ auth: req.auth ?? null }));
  app.use(guard);
  app.all('/me', (req, res) => res.json(req.auth));
  return { app, guard, logged: logger.lines };
}

type ErrorResponse = { status: number; headers: Record<string, string>; body: Record<string, unknown>; text: string };

const ERROR_BODY_KEYS = new Set(['error', 'message', 'suspended_until', 'reason']);

/**
 * Asserts a contract error response: status, JSON body with error and reason,
 * never HTML, only the seed's error fields, and the RFC 6750 challenge on 401s
 * (no `error=` when no token was sent, `error="invalid_token"` otherwise).
 */
export function expectError(response: ErrorResponse, status: number, error: string, reason?: string): void {
  expect({ status: response.status, error: response.body.error, reason: response.body.reason }).toEqual({ status, error, reason });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof response.body.message).toBe('string');
  expect(Object.keys(response.body).filter((key) => !ERROR_BODY_KEYS.has(key))).toEqual([]);
  if (status === 401) {
    const challenge = response.headers['www-authenticate'];
    expect(challenge).toMatch(/^Bearer realm="[^"]*"/);
    if (error === 'missing_token') expect(challenge).not.toMatch(/error=/);
    else expect(challenge).toMatch(/error="invalid_token"/);
  }
}

/** Asserts that nothing a client can read (body, headers) echoes the given secrets (tokens, kids). */
export function expectNoLeak(response: ErrorResponse, ...secrets: string[]): void {
  const visible = `${response.text}\n${JSON.stringify(response.headers)}`;
  for (const secret of secrets) expect(visible.includes(secret)).toBe(false);
}

/** Starts an app on 127.0.0.1 (for raw-socket requests and many requests to one server). */
export async function listen(app: Express): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Sends a request exactly as written (header lines unfolded, duplicates kept),
 * which no HTTP client library allows, and returns status, headers and JSON body.
 */
export function rawRequest(port: number, method: string, path: string, headerLines: string[]): Promise<ErrorResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', text = ''] = data.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // Left empty: the caller's assertions on error and content type then fail.
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, text });
    });
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headerLines];
    socket.end(`${lines.join('\r\n')}\r\n\r\n`);
  });
}
