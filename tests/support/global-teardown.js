import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  /** @type {{ stop(): Promise<void>; dataDir: string }[]} */
  const servers = /** @type {any} */ (globalThis).__korrigoTestPg ?? [];
  await Promise.all(
    servers.map(async (server) => {
      await server.stop();
      await rm(server.dataDir, { recursive: true, force: true });
    }),
  );
}
