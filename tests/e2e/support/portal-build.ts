import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Browser tests run the built portal (apps/portal/dist), the one `npm start` serves. `npm test`
 * builds it first; a spec run on its own stops here when the build is missing or older than the
 * portal's sources, instead of testing yesterday's screens.
 */
const PORTAL = path.resolve('apps/portal');

const newest = async (entry: string): Promise<number> => {
  const info = await stat(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  const children = await readdir(entry);
  return Math.max(info.mtimeMs, ...(await Promise.all(children.map((child) => newest(path.join(entry, child))))));
};

export const assertPortalBuilt = async (): Promise<void> => {
  const built = await stat(path.join(PORTAL, 'dist/index.html')).then(
    (info) => info.mtimeMs,
    () => null,
  );
  if (built === null) throw new Error('the portal is not built: run `npm run build:portal` (npm test does it first)');
  const sources = Math.max(...(await Promise.all(['src', 'index.html', 'vite.config.ts'].map((name) => newest(path.join(PORTAL, name))))));
  if (sources > built) throw new Error('the portal build is older than its sources: run `npm run build:portal` (npm test does it first)');
};
