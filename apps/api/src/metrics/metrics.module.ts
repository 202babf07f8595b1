import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { httpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { ScrapeMetrics } from './scrape-metrics.js';

/**
 * Prometheus metrics (DESIGN §9). The other hooks live where things happen: the event store wrapper
 * (metered-store.ts, in AppModule), the GraphQL plugin and error formatter (graphql-metrics.ts),
 * sign-in (AuthService) and the scan pipeline.
 */
@Module({ controllers: [MetricsController], providers: [ScrapeMetrics] })
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(httpMetrics).forRoutes('*path');
  }
}
