import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { EVENTS_PREFIX, MANIFEST_ENTRY, type Manifest, SUMS_ENTRY, parseManifest, parseSums } from './archive-format.js';
import { ArchiveCorruptError, OpsError, throwIfAborted } from './ops-runtime.js';
import type { Progress } from './progress.js';
import { BLOCK, decodeHeader, isZeroBlock, paddingOf } from './tar.js';

const READ_SIZE = 4 << 20;
/** manifest.json and SHA256SUMS are read whole: no honest archive has them this large. */
const MAX_SMALL_ENTRY = 256 << 20;

export interface EntryLocation {
  readonly name: string;
  readonly size: number;
  /** Where the entry's content starts in the file. */
  readonly offset: number;
}

export interface VerifiedArchive {
  readonly file: string;
  readonly manifest: Manifest;
  /** Every entry, in archive order. */
  readonly entries: readonly EntryLocation[];
  readonly bytes: number;
  readonly sha256: string;
}

interface Scanned extends EntryLocation {
  sha256: string;
  lines: number;
}

const countNewlines = (chunk: Buffer): number => {
  let count = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count++;
  return count;
};

/**
 * The first pass of a restore: reads the file once, front to back, hashing every entry, then checks
 * the hashes, sizes and event counts against manifest.json and SHA256SUMS. Throws ArchiveCorruptError
 * listing what is wrong; nothing is written anywhere by this pass.
 */
export const verifyArchive = async (file: string, progress: Progress, signal?: AbortSignal): Promise<VerifiedArchive> => {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new OpsError(`Cannot open archive ${file}: ${(error as Error).message}`);
  }
  try {
    const { size: fileSize } = await handle.stat();
    const task = progress.start('verify', fileSize, 'bytes');
    const fileHash = createHash('sha256');
    const scanned: Scanned[] = [];
    const small = new Map<string, Buffer[]>();
    const header = Buffer.alloc(BLOCK);
    let headerFill = 0;
    let current: (Scanned & { remaining: number; hash: Hash }) | null = null;
    let padding = 0;
    let ended = false;
    const buffer = Buffer.allocUnsafe(READ_SIZE);

    const finishEntry = (): void => {
      const { hash, remaining: _remaining, ...entry } = current!;
      scanned.push({ ...entry, sha256: hash.digest('hex') });
      padding = paddingOf(entry.size);
      current = null;
    };

    for (let position = 0; !ended;) {
      throwIfAborted(signal);
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      fileHash.update(chunk);
      let at = 0;
      while (at < bytesRead && !ended) {
        if (current) {
          const piece = chunk.subarray(at, at + Math.min(current.remaining, bytesRead - at));
          current.hash.update(piece);
          if (current.name.startsWith(EVENTS_PREFIX)) current.lines += countNewlines(piece);
          if (small.has(current.name)) small.get(current.name)!.push(Buffer.from(piece));
          current.remaining -= piece.length;
          at += piece.length;
          if (current.remaining === 0) finishEntry();
        } else if (padding > 0) {
          const skip = Math.min(padding, bytesRead - at);
          padding -= skip;
          at += skip;
        } else {
          const take = Math.min(BLOCK - headerFill, bytesRead - at);
          chunk.copy(header, headerFill, at, at + take);
          headerFill += take;
          at += take;
          if (headerFill < BLOCK) continue;
          headerFill = 0;
          if (isZeroBlock(header)) {
            ended = true;
            break;
          }
          let decoded;
          try {
            decoded = decodeHeader(header);
          } catch (error) {
            throw new ArchiveCorruptError(
              `${file} is damaged at byte ${position + at - BLOCK} (${(error as Error).message}); nothing was written`,
            );
          }
          if (decoded.type !== '0')
            throw new ArchiveCorruptError(`${file}: unexpected tar entry type "${decoded.type}" for ${decoded.name}`);
          const contentOffset = position + at;
          if (decoded.name === MANIFEST_ENTRY || decoded.name === SUMS_ENTRY) {
            if (decoded.size > MAX_SMALL_ENTRY)
              throw new ArchiveCorruptError(`${file}: ${decoded.name} is implausibly large (${decoded.size} bytes)`);
            small.set(decoded.name, []);
          }
          current = {
            name: decoded.name,
            size: decoded.size,
            offset: contentOffset,
            sha256: '',
            lines: 0,
            remaining: decoded.size,
            hash: createHash('sha256'),
          };
          if (decoded.size === 0) finishEntry();
        }
      }
      position += bytesRead;
      task.update(position);
    }
    task.done();
    if (!ended || current)
      throw new ArchiveCorruptError(`${file} is truncated (it ends before the end-of-archive marker); nothing was written`);

    const manifest = checkAgainstManifest(file, scanned, small);
    return {
      file,
      manifest,
      entries: scanned.map(({ name, size, offset }) => ({ name, size, offset })),
      bytes: fileSize,
      sha256: fileHash.digest('hex'),
    };
  } finally {
    await handle.close();
  }
};

const checkAgainstManifest = (file: string, scanned: readonly Scanned[], small: Map<string, Buffer[]>): Manifest => {
  const problems: string[] = [];
  const byName = new Map<string, Scanned>();
  for (const entry of scanned) {
    if (byName.has(entry.name)) problems.push(`${entry.name} appears twice`);
    byName.set(entry.name, entry);
  }
  const manifestBytes = small.get(MANIFEST_ENTRY);
  const sumsBytes = small.get(SUMS_ENTRY);
  if (!manifestBytes || !sumsBytes) {
    throw new ArchiveCorruptError(
      `${file} is not a complete snapshot (no ${manifestBytes ? SUMS_ENTRY : MANIFEST_ENTRY}); nothing was written`,
    );
  }
  const sums = parseSums(Buffer.concat(sumsBytes).toString('utf8'));
  for (const entry of scanned) {
    if (entry.name === SUMS_ENTRY) continue;
    const expected = sums.get(entry.name);
    if (!expected) problems.push(`${entry.name} is not listed in ${SUMS_ENTRY}`);
    else if (expected !== entry.sha256) problems.push(`${entry.name}: sha256 ${entry.sha256}, ${SUMS_ENTRY} says ${expected}`);
  }
  for (const name of sums.keys()) if (!byName.has(name)) problems.push(`${name} is listed in ${SUMS_ENTRY} but missing`);
  if (problems.length > 0) throw corrupt(file, problems);

  let manifest: Manifest;
  try {
    manifest = parseManifest(Buffer.concat(manifestBytes).toString('utf8'));
  } catch (error) {
    throw new ArchiveCorruptError(`${file}: ${(error as Error).message}; nothing was written`);
  }
  const listed = new Set(manifest.entries.map((entry) => entry.name));
  for (const expected of manifest.entries) {
    const found = byName.get(expected.name);
    if (!found) problems.push(`${expected.name} is missing`);
    else if (found.size !== expected.size) problems.push(`${expected.name}: ${found.size} bytes, manifest says ${expected.size}`);
    else if (found.sha256 !== expected.sha256) problems.push(`${expected.name}: sha256 ${found.sha256}, manifest says ${expected.sha256}`);
    else if (expected.events !== undefined && found.lines !== expected.events)
      problems.push(`${expected.name}: ${found.lines} events, manifest says ${expected.events}`);
  }
  for (const entry of scanned) {
    if (!listed.has(entry.name) && entry.name !== MANIFEST_ENTRY && entry.name !== SUMS_ENTRY)
      problems.push(`${entry.name} is not in the manifest`);
  }
  const events = manifest.entries.reduce((sum, entry) => sum + (entry.events ?? 0), 0);
  if (events !== manifest.counts.events)
    problems.push(`the event entries hold ${events} events, manifest counts ${manifest.counts.events}`);
  if (problems.length > 0) throw corrupt(file, problems);
  return manifest;
};

const corrupt = (file: string, problems: readonly string[]): ArchiveCorruptError =>
  new ArchiveCorruptError(
    `${file} failed verification; nothing was written:\n${problems
      .slice(0, 8)
      .map((problem) => `  - ${problem}`)
      .join('\n')}${problems.length > 8 ? `\n  … and ${problems.length - 8} more` : ''}`,
  );

/** The second pass reads entries by offset; each read is re-hashed by the caller if it needs to be. */
export const readEntry = async (handle: FileHandle, entry: EntryLocation): Promise<Buffer> => {
  const content = Buffer.allocUnsafe(entry.size);
  let filled = 0;
  while (filled < entry.size) {
    const { bytesRead } = await handle.read(content, filled, entry.size - filled, entry.offset + filled);
    if (bytesRead === 0) throw new ArchiveCorruptError(`${entry.name} is truncated`);
    filled += bytesRead;
  }
  return content;
};

export async function* streamEntry(handle: FileHandle, entry: EntryLocation, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  for (let done = 0; done < entry.size;) {
    const chunk = Buffer.allocUnsafe(Math.min(chunkSize, entry.size - done));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, entry.offset + done);
    if (bytesRead === 0) throw new ArchiveCorruptError(`${entry.name} is truncated`);
    done += bytesRead;
    yield chunk.subarray(0, bytesRead);
  }
}
