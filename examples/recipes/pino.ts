import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import pinoHttp from 'pino-http';
import { sessionGuard } from 'sessionguard/express';
import type { SessionGuardOptions } from 'sessionguard';

/**
 * pino for the access log and for sessionguard's lines, joined by request id: pino-http takes the
 * proxy's X-Request-Id (or makes one and sets it as `req.id`), and sessionguard reads the same
 * header (or, when there is none, that `req.id`).
 */
export function createApp(options: SessionGuardOptions, logger: Logger = pino()): Express {
  const app = express();
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const sent = req.headers['x-request-id'];
        const id = typeof sent === 'string' && sent !== '' ? sent : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
    }),
  );
  app.use('/api', sessionGuard({ ...options, logger }));
  app.get('/api/me', (req, res) => void res.json({ subject: req.auth?.subject }));
  return app;
}
