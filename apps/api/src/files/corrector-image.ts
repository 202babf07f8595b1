import { buffer } from 'node:stream/consumers';
import type { HeaderRegion } from '#domain';
import { type ImageMime, maskHeader } from '#ocr';
import type { BlobStore } from '../runtime/blob-store.js';
import { sniffImage } from './send-image.js';

/** The blob to use for a page, and whether its header must be painted white before it leaves. */
export interface CorrectorImage {
  readonly key: string;
  readonly mask: boolean;
}

/**
 * What may be shown of a copy's page to anyone who must not learn the student's name — the corrector
 * (file route), the AI model, the anonymous corrected PDF (DESIGN §10): the masked variant when the
 * page has one; else the plain image, masked on the fly when it is the copy's first page (`position` 0).
 * Null: the page has no image.
 */
export const correctorImage = (
  page: { readonly imageBlobKey?: string | null; readonly maskedImageBlobKey?: string | null },
  position: number,
): CorrectorImage | null => {
  if (page.maskedImageBlobKey) return { key: page.maskedImageBlobKey, mask: false };
  if (page.imageBlobKey) return { key: page.imageBlobKey, mask: position === 0 };
  return null;
};

export type ImageRead =
  | { readonly ok: true; readonly bytes: Buffer; readonly mime: ImageMime }
  | { readonly ok: false; readonly reason: 'missing' | 'too_large' | 'unknown_format' | 'no_region' };

/** A stored image read whole, typed from its bytes, masked over `region` when asked. */
export const readImage = async (
  blobs: BlobStore,
  image: CorrectorImage,
  region: HeaderRegion | null,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<ImageRead> => {
  const blob = await blobs.get(image.key);
  if (!blob) return { ok: false, reason: 'missing' };
  if (blob.size > maxBytes) {
    blob.stream.destroy();
    return { ok: false, reason: 'too_large' };
  }
  const bytes = await buffer(blob.stream);
  const mime = sniffImage(bytes);
  if (!mime) return { ok: false, reason: 'unknown_format' };
  if (!image.mask) return { ok: true, bytes, mime };
  // A first page that cannot be masked (its region unknown) is never read unmasked.
  if (!region) return { ok: false, reason: 'no_region' };
  return { ok: true, bytes: await maskHeader(bytes, mime, region), mime };
};
