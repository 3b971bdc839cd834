import { createParamDecorator, HttpException, Inject, Injectable, Module, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import { isSessionError, type SessionGuardOptions, type SessionPrincipal } from 'sessionguard';
import { sessionGuard } from 'sessionguard/express';

/** The injection token of the sessionguard Express middleware (explicit: no reliance on emitted type metadata). */
export const SESSION_MIDDLEWARE = Symbol('sessionguard middleware');

/**
 * A Nest guard over the Express adapter: runs sessionguard's middleware (made with onError 'next', so a
 * rejection comes back through next(err) instead of being written), then lets Nest's exception layer
 * answer with sessionguard's status, headers and body.
 */
@Injectable()
export class SessionAuthGuard implements CanActivate {
  constructor(@Inject(SESSION_MIDDLEWARE) private readonly middleware: RequestHandler) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    return new Promise<boolean>((resolve, reject) => {
      void this.middleware(req, res, (error?: unknown) => {
        if (error === undefined) return resolve(true);
        if (!isSessionError(error)) return reject(error);
        // The challenge, Retry-After and no-store: Nest's exception filter keeps headers already set.
        res.set(error.headers);
        reject(new HttpException(error.body as Record<string, unknown>, error.status, { cause: error }));
      });
    });
  }
}

/** `@Auth() auth: SessionPrincipal` in a handler guarded by SessionAuthGuard. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): SessionPrincipal | undefined => context.switchToHttp().getRequest<Request>().auth);

/** `SessionModule.forRoot({ providers })` once in the app module: the guard is then usable everywhere. */
@Module({})
export class SessionModule {
  static forRoot(options: SessionGuardOptions): DynamicModule {
    return {
      module: SessionModule,
      global: true,
      providers: [{ provide: SESSION_MIDDLEWARE, useFactory: () => sessionGuard({ ...options, onError: 'next' }) }, SessionAuthGuard],
      exports: [SESSION_MIDDLEWARE, SessionAuthGuard],
    };
  }
}
