import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { ProjectionRunner } from '#projections';
import type { Runtime } from './runtime/runtime.js';
import { PROJECTION_RUNNER, RUNTIME } from './tokens.js';

/** What main.ts opened before Nest started, available to every module. */
@Global()
@Module({})
export class CoreModule {
  static register(runtime: Runtime, runner: ProjectionRunner): DynamicModule {
    const providers = [
      { provide: RUNTIME, useValue: runtime },
      { provide: PROJECTION_RUNNER, useValue: runner },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
