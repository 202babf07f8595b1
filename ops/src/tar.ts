/**
 * The few parts of POSIX ustar that snapshots need: regular files in 512-byte blocks, so that
 * `tar -tvf`, `tar -xf` and `sha256sum -c` work on an archive without Korrigo. Written by hand
 * rather than with a library to stream entries of any size with nothing but a header in memory.
 */

export const BLOCK = 512;
/** Largest size the 11 octal digits of ustar hold; larger entries use GNU tar's base-256 form. */
const MAX_OCTAL_SIZE = 0o77777777777;

export interface TarHeader {
  readonly name: string;
  readonly size: number;
  readonly mtime: Date;
}

const writeString = (block: Buffer, offset: number, length: number, value: string): void => {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new RangeError(`tar: "${value}" is longer than ${length} bytes`);
  bytes.copy(block, offset);
};

const writeOctal = (block: Buffer, offset: number, length: number, value: number): void =>
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);

const checksumOf = (block: Buffer): number => {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
};

export const encodeHeader = ({ name, size, mtime }: TarHeader): Buffer => {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  if (size <= MAX_OCTAL_SIZE) writeOctal(block, 124, 12, size);
  else {
    block[124] = 0x80;
    block.writeBigUInt64BE(BigInt(size), 128);
  }
  writeOctal(block, 136, 12, Math.floor(mtime.getTime() / 1000));
  block[156] = 0x30; // '0': regular file
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  writeString(block, 265, 32, 'korrigo');
  writeString(block, 297, 32, 'korrigo');
  writeString(block, 148, 8, `${checksumOf(block).toString(8).padStart(6, '0')}\0 `);
  return block;
};

/** Bytes of zero padding after `size` bytes of content. */
export const paddingOf = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

const readString = (block: Buffer, offset: number, length: number): string => {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
};

const readNumber = (block: Buffer, offset: number, length: number): number => {
  if (block[offset]! & 0x80) {
    const value = block.readBigUInt64BE(offset + length - 8);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('tar: entry too large');
    return Number(value);
  }
  const text = readString(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`tar: bad number field "${text}"`);
  return text === '' ? 0 : parseInt(text, 8);
};

export const isZeroBlock = (block: Buffer): boolean => block.every((byte) => byte === 0);

export type DecodedHeader = TarHeader & { readonly type: string };

/** Throws on a damaged header (checksum), so that a flipped bit in a header is caught like one in content. */
export const decodeHeader = (block: Buffer): DecodedHeader => {
  const stored = readNumber(block, 148, 8);
  if (stored !== checksumOf(block)) throw new Error('tar: header checksum mismatch');
  if (readString(block, 257, 6) !== 'ustar') throw new Error('tar: not a ustar header');
  const name = readString(block, 0, 100);
  const prefix = readString(block, 345, 155);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: readNumber(block, 124, 12),
    mtime: new Date(readNumber(block, 136, 12) * 1000),
    type: String.fromCharCode(block[156] || 0x30),
  };
};
