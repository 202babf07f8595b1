import { createHash } from 'node:crypto';

/**
 * Copy and page ids derived from the scan id: a pipeline resumed after a crash, or racing another
 * replica, cuts the same copies with the same ids, so ImportCopies finds them already there and
 * nothing is imported twice. Shaped as v4 uuids (version and variant bits set) since ids name streams.
 */
const uuidFrom = (seed: string): string => {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The `index`-th copy (0-based, in the PDF's order) cut from the scan. */
export const scanCopyId = (scanId: string, index: number): string => uuidFrom(`korrigo:scan-copy:${scanId}:${index}`);

/** Page `number` (1-based) of the scan's PDF. */
export const scanPageId = (scanId: string, number: number): string => uuidFrom(`korrigo:scan-page:${scanId}:${number}`);
