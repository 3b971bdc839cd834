import express, { type Express } from 'express';
import { sessionGuard, type SessionGuardMiddleware } from '../src/express';
import type { SessionGuardOptions } from '../src';
import { createTestIssuer, type TestIssuer, type TestIssuerOptions } from '../src/testing';

/** Issuers started by a test file, closed after it. */
export async function startIssuers<T extends Record<string, TestIssuerOptions>>(specs: T): Promise<{ [K in keyof T]: TestIssuer }> {
  const entries = await Promise.all(Object.entries(specs).map(async ([name, spec]) => [name, await createTestIssuer(spec)] as const));
  return Object.fromEntries(entries) as { [K in keyof T]: TestIssuer };
}

export async function closeIssuers(issuers: Record<string, TestIssuer>): Promise<void> {
  await Promise.all(Object.values(issuers).map((issuer) => issuer.close()));
}

/** An Express app guarded app-wide, echoing the principal. */
export function guardedApp(options: SessionGuardOptions): { app: Express; guard: SessionGuardMiddleware } {
  const app = express();
  const guard = sessionGuard(options);
  app.get('/public', (_req, res) => res.json({ ok: true }));
  app.get('/feed', guard.optional(), (req, res) => res.json({ auth: req.auth ?? null }));
  app.use(guard);
  app.all('/me', (req, res) => res.json(req.auth));
  return { app, guard };
}

/** Asserts a contract error response: status, JSON body with error and reason, never HTML. */
export function expectError(
  response: { status: number; headers: Record<string, string>; body: Record<string, unknown>; text: string },
  status: number,
  error: string,
  reason?: string,
): void {
  expect({ status: response.status, error: response.body.error, reason: response.body.reason }).toEqual({ status, error, reason });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof response.body.message).toBe('string');
}
