/** The hello-world route every benchmark server answers, as an Express app behind an optional guard. */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

export const HELLO = JSON.stringify({ hello: 'world' });

export function expressApp(guard: RequestHandler | undefined, onError?: (error: unknown, res: Response) => void): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  if (guard !== undefined) app.use(guard);
  app.get('/', (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(HELLO);
  });
  if (onError !== undefined) app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => onError(error, res));
  return app;
}
