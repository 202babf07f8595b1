import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { CqrsModule } from '@nestjs/cqrs';
import path from 'node:path';
import type { ProjectionRunner } from '#projections';
import type { Runtime } from './runtime/runtime.js';
import { PROJECTION_RUNNER, RUNTIME } from './tokens.js';
import { HealthController } from './health/health.controller.js';
import { SystemResolver } from './system/system.resolver.js';
import { BigIntScalar } from './system/bigint.scalar.js';

export const SCHEMA_FILE = path.resolve('apps/api/schema.gql');

@Module({})
export class AppModule {
  static register(runtime: Runtime, runner: ProjectionRunner, options: { schemaFile?: string } = {}): DynamicModule {
    const production = runtime.config.env === 'production';
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/api/graphql',
          // The committed schema file is written in development only; production never writes to its folder.
          autoSchemaFile: options.schemaFile ?? (production ? true : SCHEMA_FILE),
          sortSchema: true,
          introspection: !production,
          playground: false,
          includeStacktraceInErrorResponses: runtime.config.env === 'development',
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: RUNTIME, useValue: runtime }, { provide: PROJECTION_RUNNER, useValue: runner }, BigIntScalar, SystemResolver],
    };
  }
}
