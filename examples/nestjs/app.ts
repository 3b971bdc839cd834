import 'reflect-metadata';
import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { SessionGuardOptions, SessionPrincipal } from 'sessionguard';
import { Auth, SessionAuthGuard, SessionModule } from './session';

@Controller()
export class MeController {
  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  @UseGuards(SessionAuthGuard)
  me(@Auth() auth: SessionPrincipal): { subject: string; scopes: readonly string[] } {
    return { subject: auth.subject, scopes: auth.scopes };
  }
}

/** The Nest app on its Express platform, with sessionguard's options. */
export async function createApp(options: SessionGuardOptions): Promise<INestApplication> {
  @Module({ imports: [SessionModule.forRoot(options)], controllers: [MeController] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  return app;
}
