import type { JsonValue } from '#event-store';

/**
 * How an event refers to a blob, the convention every event type follows: a string under a data key
 * ending in `BlobKey` (`pdfBlobKey`, `pageImageBlobKey`), or an array of strings under a key ending in
 * `BlobKeys` (`pageBlobKeys`), at any depth of `data`. The value is the blob store's key (the sha256
 * of the content). Snapshots carry exactly the blobs found this way; metadata never refers to blobs.
 */
export const collectBlobKeys = (value: JsonValue, into: Set<string>): void => {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectBlobKeys(item, into);
    return;
  }
  for (const key in value) {
    const child = value[key]!;
    if (key.endsWith('BlobKey') && typeof child === 'string') into.add(child);
    else if (key.endsWith('BlobKeys') && Array.isArray(child)) {
      for (const item of child) if (typeof item === 'string') into.add(item);
    } else collectBlobKeys(child, into);
  }
};
