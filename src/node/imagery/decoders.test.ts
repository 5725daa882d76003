import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lzwDecode } from './decoders';
import { gdal, hasGdal, makeGeoTiff, readEnviBands, tempDir } from './fixtures.testutil';
import { openImage } from './open-image';
import { readWindow } from './read-window';

/** A TIFF LZW encoder (MSB-first, early change, CLEAR when the table fills), for round trips. */
function lzwEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let nacc = 0;
  let width = 9;
  const put = (code: number): void => {
    acc = (acc << width) | code;
    nacc += width;
    while (nacc >= 8) {
      out.push((acc >>> (nacc - 8)) & 255);
      nacc -= 8;
    }
    acc &= (1 << nacc) - 1;
  };
  let dict = new Map<number, number>();
  let next = 258;
  const bump = (): void => {
    next++;
    if (next >= (1 << width) - 1 + 1 && width < 12) width++;
  };
  put(256);
  let w = data[0]!;
  for (let i = 1; i < data.length; i++) {
    const c = data[i]!;
    const key = w * 256 + c;
    const hit = dict.get(key);
    if (hit !== undefined) {
      w = hit;
      continue;
    }
    put(w);
    dict.set(key, next);
    bump();
    if (next >= 4094) {
      put(256);
      dict = new Map();
      next = 258;
      width = 9;
    }
    w = c;
  }
  put(w);
  bump();
  put(257);
  if (nacc > 0) out.push((acc << (8 - nacc)) & 255);
  return Uint8Array.from(out);
}

describe('LZW decoder', () => {
  it('round-trips repetitive, random and long inputs (table resets included)', () => {
    let seed = 1;
    const rnd = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const inputs = [
      Uint8Array.from([7]),
      Uint8Array.from('TOBEORNOTTOBEORTOBEORNOT#'.split('').map((c) => c.charCodeAt(0))),
      new Uint8Array(100000).fill(42),
      Uint8Array.from({ length: 200000 }, () => Math.floor(rnd() * 256)),
      Uint8Array.from({ length: 300000 }, (_, i) => (Math.floor(i / 7) * 13 + Math.floor(rnd() * 3)) & 255),
    ];
    for (const input of inputs) {
      const dec = lzwDecode(lzwEncode(input), input.length);
      expect(dec.length).toBe(input.length);
      expect(Buffer.from(dec).equals(Buffer.from(input))).toBe(true);
    }
  });

  it('rejects a corrupt stream with an error, not garbage', () => {
    // CLEAR then a code far beyond the table (9-bit 511)
    expect(() => lzwDecode(Uint8Array.from([0x80, 0x00, 0x7f, 0xc0, 0, 0]))).toThrow(/corrupt LZW/);
  });

  it.skipIf(!hasGdal())('decodes libtiff LZW (tiled and stripped, with predictor 2) to the values GDAL reads', async () => {
    const { dir, cleanup } = tempDir();
    try {
      let seed = 3;
      const rnd = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647);
      const value = (b: number, x: number, y: number): number => (b * 5000 + x * 37 + y * 11 + Math.floor(rnd() * 900)) % 65536;
      for (const [name, args] of [
        ['tiled', ['-co', 'COMPRESS=LZW', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=128', '-co', 'BLOCKYSIZE=64']],
        ['strips-pred2', ['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2']],
        ['deflate-pred2', ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'TILED=YES']],
      ] as const) {
        const file = makeGeoTiff(dir, name, { width: 300, height: 170, bands: 3, srs: 'EPSG:32619', ullr: [500000, 4600000, 503000, 4598300], value, args: [...args] });
        gdal('gdal_translate', ['-q', '-of', 'ENVI', file, join(dir, `${name}-ref.bin`)]);
        const ref = readEnviBands(join(dir, `${name}-ref.bin`));
        const img = await openImage(file);
        try {
          const got = await readWindow(img, img.levels[0]!, [0, 0, 300, 170], [0, 1, 2]);
          for (let b = 0; b < 3; b++) expect(Array.from(got[b]!)).toEqual(Array.from(ref.bands[b]!));
        } finally {
          await img.close();
        }
      }
    } finally {
      cleanup();
    }
  });
});
