import type { CopyPage, HeaderRegion } from '#domain';
import type { BlobStore } from '../runtime/blob-store.js';
import { type ImageRead, correctorImage, readImage } from '../files/corrector-image.js';

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
    const image = correctorImage(page, index);
    if (!image) {
      if (index === 0) throw new CopyImageError('la première page de la copie n’a pas d’image.');
      continue;
    }
    const read = await readImage(blobs, image, region, MAX_PAGE_BYTES);
    if (!read.ok) throw new CopyImageError(REFUSED[read.reason]);
    urls.push(`data:${read.mime};base64,${read.bytes.toString('base64')}`);
  }
  return urls;
};

const REFUSED: Record<Exclude<ImageRead, { ok: true }>['reason'], string> = {
  missing: 'une image de la copie manque dans le stockage.',
  too_large: 'une image de la copie est trop lourde pour être envoyée.',
  unknown_format: 'une image de la copie est dans un format inconnu.',
  no_region: 'la zone d’en-tête de l’examen est inconnue : la première page ne peut pas être masquée.',
};
