import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * What a first visit downloads before the portal can draw anything: the entry script of the built
 * index.html and every chunk it preloads (Vite lists the entry's static imports as modulepreload),
 * gzipped as the server or a proxy sends them. Page chunks load later, one per route.
 */
export interface BundleFile {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export const initialJs = async (dist: string): Promise<BundleFile[]> => {
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  const entries = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((match) => match[1]!);
  if (entries.length === 0) throw new Error(`${dist}/index.html loads no module script: is the portal built?`);
  return Promise.all(
    [...new Set(entries)].map(async (href) => {
      const bytes = await readFile(path.join(dist, href.replace(/^\//, '')));
      return { file: href, bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
    }),
  );
};
