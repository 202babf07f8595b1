import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../runtime/blob-store.js';

/**
 * The scan's PDF as a local file for the render workers, copied out of the blob store on first use
 * (the store may be remote) into `<DATA_DIR>/tmp`, and removed when the run ends.
 */
export class ScanFile {
  private local: Promise<string> | null = null;

  constructor(
    private readonly blobs: BlobStore,
    private readonly blobKey: string,
    private readonly tmpDir: string,
  ) {}

  path(): Promise<string> {
    this.local ??= this.copyOut();
    return this.local;
  }

  async dispose(): Promise<void> {
    const local = this.local;
    this.local = null;
    if (local) await rm(await local.catch(() => ''), { force: true });
  }

  private async copyOut(): Promise<string> {
    const blob = await this.blobs.get(this.blobKey);
    if (!blob) throw new Error(`the scan's PDF (blob ${this.blobKey}) is missing from the blob store`);
    await mkdir(this.tmpDir, { recursive: true });
    const target = path.join(this.tmpDir, `scan-${randomUUID()}.pdf`);
    try {
      await pipeline(blob.stream, createWriteStream(target, { flags: 'wx' }));
    } catch (error) {
      await rm(target, { force: true });
      throw error;
    }
    return target;
  }
}

/** Temporary files left by a process that died mid-upload or mid-render, once clearly abandoned. */
export const removeAbandonedTemporaryFiles = async (tmpDir: string, olderThanMs: number): Promise<void> => {
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!/^(upload|scan)-[0-9a-f-]+\.pdf$/.test(name)) continue;
    const file = path.join(tmpDir, name);
    const info = await stat(file).catch(() => null);
    if (info && now - info.mtimeMs > olderThanMs) await rm(file, { force: true });
  }
};
