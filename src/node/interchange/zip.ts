/**
 * A small zip reader on Node's zlib (stored and deflate entries, zip64 sizes). Reads the central
 * directory only, and refuses an entry whose declared size is over the limit or whose
 * compression ratio is absurd before inflating anything; inflation is capped at the declared
 * size (a lying header cannot inflate past it) and checked against the CRC.
 */
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export interface ZipLimits {
  /** Largest uncompressed entry accepted. */
  maxBytes: number;
  /** Largest uncompressed/compressed ratio accepted for entries over 16 MiB. */
  maxRatio?: number;
}

export class ZipError extends Error {}

const DEFAULT_RATIO = 1000;

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = readSync(fd, b, 0, len, pos);
  if (n < len) throw new ZipError('zip file is truncated');
  return b;
}

export class ZipReader {
  readonly entries: ZipEntry[] = [];
  private readonly fd: number;
  private readonly size: number;

  constructor(private readonly path: string) {
    this.fd = openSync(path, 'r');
    try {
      this.size = fstatSync(this.fd).size;
      this.readDirectory();
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private readDirectory(): void {
    const tailLen = Math.min(this.size, 22 + 65535 + 20);
    const tail = readAt(this.fd, this.size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipError('zip file is truncated or corrupt (no end-of-central-directory record)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new ZipError('zip64 locator missing');
      const z64 = readAt(this.fd, Number(tail.readBigUInt64LE(loc + 8)), 56);
      if (z64.readUInt32LE(0) !== 0x06064b50) throw new ZipError('zip64 end record corrupt');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > this.size) throw new ZipError('zip file is truncated (central directory past the end of the file)');
    const cd = readAt(this.fd, cdOffset, cdSize);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ZipError('zip central directory is corrupt');
      const flags = cd.readUInt16LE(p + 8);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const nameBytes = cd.subarray(p + 46, p + 46 + nameLen);
      const e: ZipEntry = {
        name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
        method: cd.readUInt16LE(p + 10),
        flags,
        crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localOffset: cd.readUInt32LE(p + 42),
      };
      // zip64 extra field: the 0xFFFFFFFF fields, in order size, compressed size, offset.
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = cd.readUInt16LE(x);
        const len = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let o = x + 4;
          const next = () => {
            const v = Number(cd.readBigUInt64LE(o));
            o += 8;
            return v;
          };
          if (e.size === 0xffffffff) e.size = next();
          if (e.compressedSize === 0xffffffff) e.compressedSize = next();
          if (e.localOffset === 0xffffffff) e.localOffset = next();
        }
        x += 4 + len;
      }
      this.entries.push(e);
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  /** Files only, without macOS resource forks. */
  files(): ZipEntry[] {
    return this.entries.filter((e) => !e.name.endsWith('/') && !e.name.startsWith('__MACOSX/') && !/(^|\/)\._/.test(e.name));
  }

  private check(e: ZipEntry, limits: ZipLimits): number {
    if (e.flags & 1) throw new ZipError(`zip entry ${e.name} is encrypted`);
    if (e.method !== 0 && e.method !== 8) throw new ZipError(`zip entry ${e.name} uses compression method ${e.method} (only stored and deflate are supported)`);
    if (e.size > limits.maxBytes) {
      throw new ZipError(`zip entry ${e.name} declares ${e.size} bytes uncompressed, over the limit of ${limits.maxBytes} bytes`);
    }
    const ratio = e.size / Math.max(1, e.compressedSize);
    const maxRatio = limits.maxRatio ?? DEFAULT_RATIO;
    if (e.size > 16 * 1024 * 1024 && ratio > maxRatio) {
      throw new ZipError(`zip entry ${e.name} would inflate ${Math.round(ratio)}x (${e.compressedSize} -> ${e.size} bytes): refused as a likely zip bomb`);
    }
    if (e.method === 0 && e.size !== e.compressedSize) throw new ZipError(`zip entry ${e.name} is corrupt (stored sizes differ)`);
    const local = readAt(this.fd, e.localOffset, 30);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new ZipError(`zip entry ${e.name} is corrupt (no local header)`);
    const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (start + e.compressedSize > this.size) throw new ZipError(`zip entry ${e.name} is truncated`);
    return start;
  }

  /** Inflates one entry into memory. */
  read(e: ZipEntry, limits: ZipLimits): Buffer {
    const start = this.check(e, limits);
    const comp = readAt(this.fd, start, e.compressedSize);
    let out: Buffer;
    if (e.method === 0) out = comp;
    else {
      try {
        out = zlib.inflateRawSync(comp, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') throw new ZipError(`zip entry ${e.name} inflates past its declared ${e.size} bytes (zip bomb?)`);
        throw new ZipError(`zip entry ${e.name} is corrupt or truncated (${(err as Error).message})`);
      }
    }
    if (out.length !== e.size) throw new ZipError(`zip entry ${e.name} is corrupt or truncated (${out.length} of ${e.size} bytes)`);
    if (zlib.crc32(out) >>> 0 !== e.crc >>> 0) throw new ZipError(`zip entry ${e.name} is corrupt (CRC mismatch)`);
    return out;
  }

  /** Streams one entry to a file, stopping as soon as it passes its declared size. */
  async extractTo(e: ZipEntry, dest: string, limits: ZipLimits): Promise<void> {
    const start = this.check(e, limits);
    let written = 0;
    let crc = 0;
    const name = e.name;
    const guard = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        if (written > e.size) return cb(new ZipError(`zip entry ${name} inflates past its declared ${e.size} bytes (zip bomb?)`));
        crc = zlib.crc32(chunk, crc);
        cb(null, chunk);
      },
    });
    try {
      if (e.compressedSize === 0) writeFileSync(dest, '');
      else {
        const src = createReadStream(this.path, { start, end: start + e.compressedSize - 1 });
        if (e.method === 8) await pipeline(src, zlib.createInflateRaw(), guard, createWriteStream(dest));
        else await pipeline(src, guard, createWriteStream(dest));
      }
    } catch (err) {
      if (err instanceof ZipError) throw err;
      throw new ZipError(`zip entry ${e.name} is corrupt or truncated (${(err as Error).message})`);
    }
    if (written !== e.size) throw new ZipError(`zip entry ${e.name} is corrupt or truncated (${written} of ${e.size} bytes)`);
    if (crc >>> 0 !== e.crc >>> 0) throw new ZipError(`zip entry ${e.name} is corrupt (CRC mismatch)`);
  }
}
