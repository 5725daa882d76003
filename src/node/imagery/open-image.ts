/**
 * Opens a GeoTIFF / COG (local path or http(s) URL) and reads everything the render path needs
 * from its header: size, bands, sample type, nodata, tiling, overview pyramid, CRS and
 * geotransform, lon/lat bounds. Pixels are read later, window by window (read-window.ts).
 */
import { GeoTIFF } from 'geotiff';
import type { GeoTIFFImage } from 'geotiff';
import { ApiError } from '../../common/api/errors';
import { registerFastDecoders } from './decoders';
import { CrsError, crsFromGeoKeys, lonLatTransform, type CrsInfo } from './crs';
import { GeorefError, geoTransformFromTags, lonLatBounds, scaleGeoTransform, type GeoTransform } from './georef';
import { guard, toImageryError } from './imagery-errors';
import { detectBandRoles, type BandRolesFrom } from './band-roles';
import { checkLevel, scanIfds, type LevelFacts } from './header-checks';
import { openSource, PastEndError, toGeoTiffSource, type RasterSource, type SourceOptions } from './source';
import type { BBox } from './tile-math';

export type Dtype = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export interface ImageLevel {
  /** 0 = full resolution, then overviews from finest to coarsest. */
  index: number;
  image: GeoTIFFImage;
  width: number;
  height: number;
  /** Full-resolution pixels per pixel of this level, [x, y]. */
  factor: [number, number];
  geoTransform: GeoTransform;
  /** Block (tile or strip) size of this level. */
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
}

export interface OpenedImage {
  /** Base name or URL, used in messages. */
  name: string;
  location: string;
  source: RasterSource;
  tiff: GeoTIFF;
  width: number;
  height: number;
  bands: number;
  dtype: Dtype;
  /** GDAL_NODATA (NaN when the file says "nan"), or null. */
  nodata: number | null;
  /** [w, h] of the internal tiles, or null for a strip layout. */
  tileSize: [number, number] | null;
  crs: CrsInfo;
  geoTransform: GeoTransform;
  bounds4326: BBox;
  /** levels[0] is the full-resolution image; levels[1..] the overviews. */
  levels: ImageLevel[];
  overviews: number;
  /** Role of each band (blue, green, red, nir, ...) as the file says or Planet's convention assumes. */
  bandRoles: string[];
  bandRolesFrom: Exclude<BandRolesFrom, 'explicit'>;
  /** TIFFTAG_IMAGEDESCRIPTION, or null. */
  description: string | null;
  /** Things that work but should be known (e.g. a server that ignores Range). */
  warnings: string[];
  /** Per-image memo (stretch statistics, ...), keyed by the module that owns the entry. */
  cache: Map<string, unknown>;
  close(): Promise<void>;
}

const DTYPES: Record<string, Dtype> = {
  '1:8': 'uint8', '2:8': 'int8', '1:16': 'uint16', '2:16': 'int16', '1:32': 'uint32', '2:32': 'int32', '3:32': 'float32', '3:64': 'float64',
};

export function dtypeOf(sampleFormat: number, bits: number): Dtype {
  const b = bits <= 8 ? 8 : bits <= 16 ? (sampleFormat === 3 ? 32 : 16) : bits <= 32 ? 32 : 64;
  const d = DTYPES[`${sampleFormat === 3 ? 3 : sampleFormat === 2 ? 2 : 1}:${b}`];
  if (!d) throw new ApiError('BAD_INPUT', `unsupported sample type (format ${sampleFormat}, ${bits} bits)`);
  return d;
}

/** Checks the 8/16-byte TIFF header so non-TIFFs get a precise message. */
async function checkHeader(src: RasterSource): Promise<void> {
  const say = (m: string): never => {
    throw new ApiError('BAD_INPUT', `${src.name}: ${m}`);
  };
  let buf: ArrayBuffer;
  try {
    buf = (await src.read([{ offset: 0, length: 16 }]))[0]!;
  } catch (e) {
    if (e instanceof PastEndError && e.fileSize === 0) say('empty file (0 bytes)');
    throw e;
  }
  const size = src.size();
  const b = new Uint8Array(buf);
  if (b.length === 0) say('empty file (0 bytes)');
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) say('not a TIFF file (it is a PNG)');
  if (b[0] === 0xff && b[1] === 0xd8) say('not a TIFF file (it is a JPEG)');
  const le = b[0] === 0x49 && b[1] === 0x49;
  const be = b[0] === 0x4d && b[1] === 0x4d;
  if (!le && !be) say('not a TIFF file (bad byte-order mark)');
  if (b.length < 8) say(`truncated: ${b.length} bytes is too short for a TIFF header`);
  const dv = new DataView(buf);
  const magic = dv.getUint16(2, le);
  if (magic !== 42 && magic !== 43) say(`not a TIFF file (bad magic number ${magic})`);
  let ifd: number;
  if (magic === 42) ifd = dv.getUint32(4, le);
  else {
    if (b.length < 16) say(`truncated: ${b.length} bytes is too short for a BigTIFF header`);
    ifd = Number(dv.getBigUint64(8, le));
  }
  if (ifd < 8) say(`corrupt TIFF header (first image directory offset ${ifd})`);
  if (size !== null && ifd >= size) say(`truncated: image directory at byte ${ifd} is past the end of the ${size}-byte file`);
}

function parseNodata(raw: unknown): number | null {
  if (typeof raw !== 'string') return null;
  const s = raw.replace(/\0/g, '').trim();
  if (s === '') return null;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

async function tagOrNull(image: GeoTIFFImage, tag: string): Promise<unknown> {
  const fd = image.getFileDirectory();
  return fd.hasTag(tag as never) ? await fd.loadValue(tag as never) : null;
}

function levelOf(image: GeoTIFFImage, index: number, full: { w: number; h: number; gt: GeoTransform }): ImageLevel {
  const width = image.getWidth();
  const height = image.getHeight();
  return {
    index,
    image,
    width,
    height,
    factor: [full.w / width, full.h / height],
    geoTransform: scaleGeoTransform(full.gt, full.w, full.h, width, height),
    blockWidth: image.getTileWidth(),
    blockHeight: image.getTileHeight(),
    tiled: image.isTiled,
  };
}

function levelFacts(image: GeoTIFFImage, index: number, bands: number, dtype: Dtype): LevelFacts {
  const fd = image.getFileDirectory();
  return {
    index,
    width: image.getWidth(),
    height: image.getHeight(),
    blockWidth: image.getTileWidth(),
    blockHeight: image.getTileHeight(),
    tiled: image.isTiled,
    compression: Number(fd.getValue('Compression' as never) ?? 1),
    samplesPerBlock: image.planarConfiguration === 2 ? 1 : bands,
    bands,
    bytesPerSample: Math.max(1, Math.ceil(image.getBitsPerSample(0) / 8)),
    dtype,
  };
}

/** Opens a local GeoTIFF or an http(s) URL. Errors are one-line ApiErrors naming the file. */
export async function openImage(pathOrUrl: string, opts: SourceOptions = {}): Promise<OpenedImage> {
  registerFastDecoders();
  const source = await openSource(pathOrUrl, opts);
  const name = source.name;
  try {
    await guard(name, 'TIFF header', () => checkHeader(source));
    await guard(name, 'image directory', () => scanIfds(source));
    const tiff = await guard(name, 'TIFF header', () => GeoTIFF.fromSource(toGeoTiffSource(source) as never));
    const count = await guard(name, 'image directory', () => tiff.getImageCount());
    const main = await guard(name, 'image directory', () => tiff.getImage(0));
    const width = main.getWidth();
    const height = main.getHeight();
    const bands = main.getSamplesPerPixel();
    if (!(width > 0 && height > 0 && bands > 0)) throw new ApiError('BAD_INPUT', `${name}: empty image (${width}x${height}, ${bands} bands)`);
    let dtype: Dtype;
    try {
      dtype = dtypeOf(main.getSampleFormat(0), main.getBitsPerSample(0));
    } catch (e) {
      throw new ApiError('BAD_INPUT', `${name}: ${(e as Error).message}`);
    }

    // Before anything else reads pixels: a codec we have, blocks of a sane size.
    checkLevel(name, levelFacts(main, 0, bands, dtype));

    const keys = main.getGeoKeys() as Record<string, unknown> | null;
    const tags = await guard(name, 'georeferencing tags', async () => ({
      ModelPixelScale: (await tagOrNull(main, 'ModelPixelScale')) as ArrayLike<number> | null,
      ModelTiepoint: (await tagOrNull(main, 'ModelTiepoint')) as ArrayLike<number> | null,
      ModelTransformation: (await tagOrNull(main, 'ModelTransformation')) as ArrayLike<number> | null,
      nodata: await tagOrNull(main, 'GDAL_NODATA'),
      description: await tagOrNull(main, 'ImageDescription'),
      gdalMetadata: await tagOrNull(main, 'GDAL_METADATA'),
    }));
    let geoTransform: GeoTransform;
    let crs: CrsInfo;
    try {
      const rasterType = keys && typeof keys['GTRasterTypeGeoKey'] === 'number' ? (keys['GTRasterTypeGeoKey'] as number) : 1;
      geoTransform = geoTransformFromTags({ ...tags, rasterType });
      crs = crsFromGeoKeys(keys);
    } catch (e) {
      if (e instanceof GeorefError || e instanceof CrsError) throw new ApiError('BAD_INPUT', `${name}: ${e.message}`);
      throw e;
    }
    const t = lonLatTransform(crs);
    let bounds4326: BBox;
    try {
      bounds4326 = lonLatBounds(geoTransform, width, height, t.toLonLat, t.fromLonLat, crs.geographic);
    } catch (e) {
      throw new ApiError('BAD_INPUT', `${name}: ${(e as Error).message} (CRS ${crs.id})`);
    }

    const full = { w: width, h: height, gt: geoTransform };
    const levels: ImageLevel[] = [levelOf(main, 0, full)];
    for (let i = 1; i < count; i++) {
      const im = await guard(name, `image directory ${i}`, () => tiff.getImage(i));
      const sub = im.getFileDirectory().getValue('NewSubfileType' as never) as number | undefined;
      const reduced = typeof sub === 'number' && (sub & 1) === 1 && (sub & 4) === 0;
      const w = im.getWidth();
      const h = im.getHeight();
      const prev = levels[levels.length - 1]!;
      if (reduced && im.getSamplesPerPixel() === bands && w < prev.width && h <= prev.height) levels.push(levelOf(im, levels.length, full));
    }

    for (const l of levels.slice(1)) checkLevel(name, levelFacts(l.image, l.index, bands, dtype));
    const text = (v: unknown): string | null => (typeof v === 'string' ? v.replace(/\0+$/, '') : null);
    const description = text(tags.description);
    const roles = detectBandRoles(bands, text(tags.gdalMetadata), description);

    const tiled = main.isTiled;
    return {
      name,
      location: source.location,
      source,
      tiff,
      width,
      height,
      bands,
      dtype,
      nodata: parseNodata(tags.nodata),
      tileSize: tiled ? [main.getTileWidth(), main.getTileHeight()] : null,
      crs,
      geoTransform,
      bounds4326,
      levels,
      overviews: levels.length - 1,
      bandRoles: roles.roles,
      bandRolesFrom: roles.from === 'file' ? 'file' : 'assumed',
      description,
      warnings: source.warnings ?? [],
      cache: new Map(),
      close: () => source.close(),
    };
  } catch (e) {
    await source.close().catch(() => undefined);
    throw toImageryError(name, 'image', e);
  }
}

/** The CLI.md `info` shape of an opened image. */
export interface ImageInfo {
  width: number;
  height: number;
  bands: number;
  dtype: Dtype;
  /** 'EPSG:32619', or a proj4 string for a user-defined CRS. */
  crs: string;
  /** [west, south, east, north] in degrees; west > east when it crosses the antimeridian. */
  bounds4326: BBox;
  /** Number of reduced-resolution images (internal overviews). */
  overviews: number;
  /** [w, h] of the internal tiles, or null for a strip layout. */
  tileSize: [number, number] | null;
  /** GDAL_NODATA, or null (also null for NaN, which float images always treat as nodata). */
  nodata: number | null;
  /** Role of each band, and whether the file says so or Planet's convention is assumed. */
  bandRoles: string[];
  bandRolesFrom: 'file' | 'assumed';
}

export function imageInfoOf(img: OpenedImage): ImageInfo {
  return {
    width: img.width,
    height: img.height,
    bands: img.bands,
    dtype: img.dtype,
    crs: img.crs.id,
    bounds4326: [...img.bounds4326],
    overviews: img.overviews,
    tileSize: img.tileSize ? [...img.tileSize] : null,
    nodata: img.nodata === null || !Number.isFinite(img.nodata) ? null : img.nodata,
    bandRoles: [...img.bandRoles],
    bandRolesFrom: img.bandRolesFrom,
  };
}
