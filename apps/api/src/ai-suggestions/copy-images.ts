import type { CopyPage, HeaderRegion } from '#domain';
import { maskHeader } from '#ocr';
import type { BlobStore } from '../runtime/blob-store.js';
import { sniffImage } from '../files/send-image.js';

/** Why a copy's images cannot be sent, in French: the teacher reads it as the request's failure. */
export class CopyImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyImageError';
  }
}

/** More pages than this is not a copy but a split gone wrong: the model is not sent a whole scan. */
export const MAX_AI_PAGES = 16;
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/**
 * The images of a copy as the model receives them, as data URLs in reading order, under the rule the
 * correctors' file route follows (DESIGN §10): a page with a masked variant is sent masked, and the
 * first page always is — masked here over the exam's header region when it has no variant. A first
 * page that cannot be masked is never sent unmasked: the request fails instead.
 */
export const copyImages = async (blobs: BlobStore, pages: readonly CopyPage[], region: HeaderRegion): Promise<string[]> => {
  const urls: string[] = [];
  for (const [index, page] of pages.slice(0, MAX_AI_PAGES).entries()) {
    if (page.maskedImageBlobKey) {
      urls.push(await dataUrl(blobs, page.maskedImageBlobKey, null));
    } else if (page.imageBlobKey) {
      urls.push(await dataUrl(blobs, page.imageBlobKey, index === 0 ? region : null));
    } else if (index === 0) {
      throw new CopyImageError('la première page de la copie n’a pas d’image.');
    }
  }
  return urls;
};

const dataUrl = async (blobs: BlobStore, key: string, mask: HeaderRegion | null): Promise<string> => {
  const blob = await blobs.get(key);
  if (!blob) throw new CopyImageError('une image de la copie manque dans le stockage.');
  if (blob.size > MAX_PAGE_BYTES) {
    blob.stream.destroy();
    throw new CopyImageError('une image de la copie est trop lourde pour être envoyée.');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const mime = sniffImage(bytes);
  if (!mime) throw new CopyImageError('une image de la copie est dans un format inconnu.');
  const sent = mask ? await maskHeader(bytes, mime, mask) : bytes;
  return `data:${mime};base64,${sent.toString('base64')}`;
};
