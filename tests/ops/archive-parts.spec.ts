import { collectBlobKeys } from '../../ops/src/blob-refs.js';
import { canonicalJson } from '../../ops/src/event-digest.js';
import { BLOCK, decodeHeader, encodeHeader, paddingOf } from '../../ops/src/tar.js';

describe('a tar header', () => {
  it('reads back what was written, with a valid ustar checksum', () => {
    const mtime = new Date('2026-03-02T08:00:00Z');
    const header = encodeHeader({ name: 'events/000001.ndjson', size: 123_456, mtime });
    expect(header).toHaveLength(BLOCK);
    expect(header.subarray(257, 262).toString()).toBe('ustar');
    expect(decodeHeader(header)).toEqual({ name: 'events/000001.ndjson', size: 123_456, mtime, type: '0' });
  });

  it('holds entries over 8 GiB in the base-256 form GNU tar reads', () => {
    const size = 9 * 2 ** 30;
    expect(decodeHeader(encodeHeader({ name: 'blobs/big', size, mtime: new Date(0) })).size).toBe(size);
  });

  it('refuses a header with a flipped bit', () => {
    const header = encodeHeader({ name: 'manifest.json', size: 10, mtime: new Date(0) });
    header[3] = header[3]! ^ 0x04;
    expect(() => decodeHeader(header)).toThrow(/checksum/);
  });

  it('pads content to whole blocks', () => {
    expect([0, 1, 511, 512, 513].map(paddingOf)).toEqual([0, 511, 1, 0, 511]);
  });
});

describe('the blob reference convention', () => {
  it('finds keys ending in BlobKey or BlobKeys at any depth, and nothing else', () => {
    const found = new Set<string>();
    collectBlobKeys(
      {
        pdfBlobKey: 'a',
        pages: [{ imageBlobKey: 'b' }, { thumbnailBlobKeys: ['c', 'd'] }],
        nested: { deeper: { reportBlobKey: 'e' } },
        blobKey: 'not-a-suffix-match',
        imageKey: 'scans/x.png',
        countBlobKeys: 3,
      },
      found,
    );
    expect([...found].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('canonical JSON', () => {
  it('does not depend on key order, at any depth', () => {
    expect(canonicalJson({ b: 1, a: [{ y: [1, 2], x: null }] })).toBe(canonicalJson({ a: [{ x: null, y: [1, 2] }], b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});
