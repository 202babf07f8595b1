import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const server = /** @type {any} */ (globalThis).__korrigoTestPg;
  if (!server) return;
  await server.stop();
  await rm(server.dataDir, { recursive: true, force: true });
}
