import { Inject, type MiddlewareConsumer, Module, type NestModule, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { RolesGuard } from './roles.guard.js';
import { SessionMiddleware } from './session.middleware.js';
import { SessionStore } from './sessions.js';
import { StudentPasswordService } from './student-password.service.js';

@Module({
  providers: [
    { provide: SessionStore, useFactory: (runtime: Runtime) => new SessionStore(runtime.pool), inject: [RUNTIME] },
    AuthService,
    StudentPasswordService,
    AuthResolver,
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthService, SessionStore],
})
export class AuthModule implements NestModule, OnModuleInit {
  constructor(@Inject(SessionStore) private readonly sessions: SessionStore) {}

  async onModuleInit(): Promise<void> {
    await this.sessions.migrate();
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionMiddleware).forRoutes('*path');
  }
}
