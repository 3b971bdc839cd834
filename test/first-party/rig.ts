import express from 'express';
import { createServer } from 'node:http';
import { decodeJwt } from 'jose';
import type { SessionGuardOptions } from '../../src';
import { sessionGuard, type SessionGuardMiddleware } from '../../src/express';
import { startTestIdentityService, type TestIdentityService } from '../../src/testing';
import { listen } from '../conformance/apps';

export const JWT_COOKIE = 'sg_session';
export const TOKEN_COOKIE = 'sg_session_token';

export interface FirstPartyRig {
  identity: TestIdentityService;
  guard: SessionGuardMiddleware;
  url: string;
  close(): Promise<void>;
}

/** An Express app behind sessionGuard with first-party sessions refreshed over HTTP; cookies without __Host- so plain-http tests can send them. */
export async function startRig(extra: Partial<SessionGuardOptions> = {}, identity?: TestIdentityService): Promise<FirstPartyRig> {
  const service = identity ?? (await startTestIdentityService());
  const guard = sessionGuard({
    providers: [service.provider()],
    refresh: { serviceUrl: service.url, projectId: service.projectId, secret: service.secret },
    cookies: { hostPrefix: false, secure: false },
    clock: service.now,
    ...extra,
  });
  const app = express();
  app.post('/signin', async (req, res) => {
    guard.startSession(req, res, await service.createSession({ roles: ['editor'] }));
    res.json({ ok: true });
  });
  app.post('/signout', async (req, res) => {
    try {
      res.json(await guard.endSession(req, res));
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      res.status(status).json({ error: (error as { error?: string }).error, reason: (error as { reason?: string }).reason });
    }
  });
  app.all('/me', guard, (req, res) => res.json({ subject: req.auth!.subject, sessionId: req.auth!.sessionId, roles: req.auth!.roles, scopes: req.auth!.scopes, brandId: req.auth!.brandId, permissions: req.auth!.permissions }));
  app.get('/maybe', guard.optional(), (req, res) => res.json({ subject: req.auth?.subject ?? null }));
  const running = await listen(createServer(app));
  return {
    identity: service,
    guard,
    url: running.url,
    close: async () => {
      await running.close();
      guard.verifier.close();
      if (identity === undefined) await service.close();
    },
  };
}

/** The `name=value` pairs of a response's Set-Cookie lines. */
export function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const value = res.headers['set-cookie'];
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

export function cookieValue(lines: string[], name: string): string | undefined {
  const line = lines.find((entry) => entry.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}

export function expOf(jwt: string): number {
  return decodeJwt(jwt).exp!;
}
