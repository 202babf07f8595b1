import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { CqrsModule } from '@nestjs/cqrs';
import path from 'node:path';
import type { ProjectionRunner } from '#projections';
import type { Runtime } from './runtime/runtime.js';
import { CoreModule } from './core.module.js';
import { HealthController } from './health/health.controller.js';
import { SystemResolver } from './system/system.resolver.js';
import { BigIntScalar } from './system/bigint.scalar.js';
import { AuthModule } from './auth/auth.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { RosterModule } from './roster/roster.module.js';
import { ExamsModule } from './exams/exams.module.js';
import { CopiesModule } from './copies/copies.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ScansModule } from './scans/scans.module.js';
import { FilesModule } from './files/files.module.js';
import { AiSuggestionsModule } from './ai-suggestions/ai-suggestions.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { graphqlWsSubscriptions } from './shared/graphql-ws.js';
import { formatError } from './shared/errors.js';
import { queryLimitRules } from './shared/graphql-limits.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { meteredRuntime } from './metrics/metered-store.js';
import { countingErrors, graphqlMetricsPlugin } from './metrics/graphql-metrics.js';
import type { RequestContext } from './auth/request-context.js';

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
          context: ({ req }: { req: { korrigo: RequestContext } }) => req.korrigo,
          validationRules: queryLimitRules(),
          // Answers are per session (POST, cookies): no HTTP caching, so no per-field cache hints.
          // Apollo's default cache-control plugin otherwise wraps every field resolver (bench:api).
          plugins: [ApolloServerPluginCacheControlDisabled(), graphqlMetricsPlugin()],
          subscriptions: graphqlWsSubscriptions(runtime),
          formatError: countingErrors(
            formatError(runtime.config.env === 'development', (error) =>
              process.stderr.write(`[graphql] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
            ),
          ),
        }),
        CoreModule.register(meteredRuntime(runtime), runner),
        AuthModule,
        AccountsModule,
        RosterModule,
        ExamsModule,
        CopiesModule,
        AuditModule,
        ScansModule,
        FilesModule,
        AiSuggestionsModule,
        ExportsModule,
        MetricsModule,
      ],
      controllers: [HealthController],
      providers: [BigIntScalar, SystemResolver],
    };
  }
}
