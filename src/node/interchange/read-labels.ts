/**
 * `readLabels(path)`: one entry point for every label file a user may hand us. Checks the size
 * before reading anything, detects the format from the content, unpacks zips (GeoPackage,
 * shapefile, KMZ) within limits, and returns EPSG:4326 polygons plus the skipped features.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { ApiError } from '../../common/api/errors';
import { sniff } from './detect';
import { readGeoJsonFile, readGeoJsonText } from './geojson-read';
import { readGeoPackage } from './gpkg-read';
import { readKml } from './kml-read';
import { readShapefile, shapeTypeOf, type ShapefileParts } from './shapefile-read';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_STREAM_ABOVE,
  badInput,
  errorMessage,
  type LabelFormat,
  type ReadOptions,
  type ReadResult,
} from './types';
import { XmlError } from './xml';
import { ZipError, ZipReader, type ZipEntry } from './zip';

type ReadPart = Omit<ReadResult, 'format'>;

function head(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function decodeText(buf: Buffer): string {
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}

const stripDir = (n: string) => n.replace(/^.*\//, '');
const stem = (n: string) => n.replace(/\.[^./]*$/, '');

function sibling(files: ZipEntry[], base: string, ext: string): ZipEntry | undefined {
  return files.find((e) => stem(e.name).toLowerCase() === base.toLowerCase() && extname(e.name).toLowerCase() === ext);
}

async function readZip(path: string, display: string, opts: ReadOptions, maxBytes: number): Promise<ReadResult> {
  const zip = new ZipReader(path);
  try {
    const files = zip.files();
    const limits = { maxBytes };
    const byExt = (re: RegExp) => files.filter((e) => re.test(e.name));
    const kmls = byExt(/\.kml$/i), gpkgs = byExt(/\.gpkg$/i), shps = byExt(/\.shp$/i), jsons = byExt(/\.(geo)?json$/i);
    if (kmls.length && !gpkgs.length && !shps.length) {
      const doc = kmls.find((e) => e.name.toLowerCase() === 'doc.kml') ?? kmls.find((e) => !e.name.includes('/')) ?? kmls[0]!;
      return { format: 'kmz', ...readKml(decodeText(zip.read(doc, limits))) };
    }
    if (gpkgs.length) {
      if (gpkgs.length > 1) throw badInput(display, `zip holds several GeoPackages (${gpkgs.map((e) => e.name).join(', ')}); unzip it and import one`);
      const entry = gpkgs[0]!;
      const dir = mkdtempSync(join(tmpdir(), 'fieldmark-gpkg-'));
      try {
        const tmp = join(dir, 'layer.gpkg');
        await zip.extractTo(entry, tmp, limits);
        return { format: 'gpkg-zip', ...readGeoPackage(tmp, `${display}!/${entry.name}`, opts.layer) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (shps.length) {
      let shpEntry: ZipEntry | undefined;
      let shp: Buffer | undefined;
      if (opts.layer !== undefined) {
        shpEntry = shps.find((e) => stem(stripDir(e.name)).toLowerCase() === opts.layer!.toLowerCase());
        if (!shpEntry) throw badInput(display, `no shapefile "${opts.layer}" in the zip; shapefiles: ${shps.map((e) => stem(stripDir(e.name))).join(', ')}`);
      } else {
        for (const e of shps) {
          const b = zip.read(e, limits);
          if ([5, 15, 25].includes(shapeTypeOf(b)) || e === shps[shps.length - 1]) {
            shpEntry = e;
            shp = b;
            break;
          }
        }
      }
      shp ??= zip.read(shpEntry!, limits);
      const base = stem(shpEntry!.name);
      const total = [shpEntry, ...['.dbf', '.prj', '.cpg'].map((x) => sibling(files, base, x))].reduce((s, e) => s + (e?.size ?? 0), 0);
      if (total > maxBytes) throw badInput(display, `the shapefile's parts inflate to ${total} bytes, over the limit of ${maxBytes} bytes`);
      const part = (x: string) => {
        const e = sibling(files, base, x);
        return e ? zip.read(e, limits) : undefined;
      };
      const parts: ShapefileParts = { name: stripDir(base), shp };
      const dbf = part('.dbf'), prj = part('.prj'), cpg = part('.cpg');
      if (dbf) parts.dbf = dbf;
      if (prj) parts.prj = prj.toString('latin1');
      if (cpg) parts.cpg = cpg.toString('latin1');
      return { format: 'shapefile-zip', ...readShapefile(parts, `${display}!/${shpEntry!.name}`) };
    }
    if (files.some((e) => /\.gdb\//i.test(e.name))) {
      throw badInput(display, 'a File Geodatabase (.gdb) is not supported; convert it first (e.g. ogr2ogr -f GPKG out.gpkg in.gdb)');
    }
    if (byExt(/\.gml$/i).length) throw badInput(display, 'GML is not supported; convert it first (e.g. ogr2ogr -f GPKG out.gpkg in.gml)');
    if (jsons.length === 1) return { format: 'geojson', ...readGeoJsonText(decodeText(zip.read(jsons[0]!, limits)), `${display}!/${jsons[0]!.name}`) };
    const names = files.slice(0, 6).map((e) => e.name).join(', ') + (files.length > 6 ? ', ...' : '');
    throw badInput(display, `zip holds no GeoPackage, shapefile, KML or GeoJSON (entries: ${names || 'none'})`);
  } finally {
    zip.close();
  }
}

function looseShapefile(path: string, display: string, maxBytes: number): ReadPart {
  const dir = dirname(path);
  const base = stem(basename(path));
  let total = statSync(path).size;
  const find = (ext: string) => {
    for (const e of [ext, ext.toUpperCase()]) {
      const p = join(dir, base + e);
      try {
        const st = statSync(p);
        if (!st.isFile()) continue;
        total += st.size;
        if (total > maxBytes) throw badInput(display, `the shapefile's parts are ${total} bytes, over the import limit of ${maxBytes} bytes`);
        return readFileSync(p);
      } catch (e) {
        if (e instanceof ApiError) throw e;
      }
    }
    return undefined;
  };
  const parts: ShapefileParts = { name: base, shp: readFileSync(path) };
  const dbf = find('.dbf'), prj = find('.prj'), cpg = find('.cpg');
  if (dbf) parts.dbf = dbf;
  if (prj) parts.prj = prj.toString('latin1');
  if (cpg) parts.cpg = cpg.toString('latin1');
  return readShapefile(parts, display);
}

async function readDetected(path: string, opts: ReadOptions, size: number, maxBytes: number): Promise<ReadResult> {
  const display = path;
  const kind = sniff(head(path, 64 * 1024));
  const ext = extname(path).toLowerCase();
  const as = (format: LabelFormat, r: ReadPart): ReadResult => ({ format, ...r });
  switch (kind) {
    case 'empty':
      throw badInput(display, 'file is empty');
    case 'sqlite':
      return as('gpkg', readGeoPackage(path, display, opts.layer));
    case 'zip':
      return readZip(path, display, opts, maxBytes);
    case 'kml':
      return as('kml', readKml(decodeText(readFileSync(path))));
    case 'json':
      return as('geojson', await readGeoJsonFile(path, display, size, opts.streamAboveBytes ?? DEFAULT_STREAM_ABOVE));
    case 'shp':
      return as('shapefile', looseShapefile(path, display, maxBytes));
    case 'gml':
      throw badInput(display, 'GML is not supported; convert it first (e.g. ogr2ogr -f GPKG out.gpkg in.gml)');
    case 'parquet':
      throw badInput(display, 'GeoParquet is not supported; convert it first (e.g. ogr2ogr -f GPKG out.gpkg in.parquet)');
    case 'xml':
      throw badInput(display, 'XML file that is not KML');
    default:
      throw badInput(display, `unrecognised file format${ext ? ` (extension ${ext})` : ''}: expected GeoJSON, GeoPackage, KML/KMZ or a zipped shapefile`);
  }
}

export async function readLabels(path: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw badInput(path, 'is a folder, not a file (zip a shapefile or File Geodatabase first)');
    size = st.size;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const code = (e as { code?: string }).code;
    throw badInput(path, code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? errorMessage(e)})`);
  }
  if (size > maxBytes) throw badInput(path, `file is ${size} bytes, over the import limit of ${maxBytes} bytes`);
  try {
    return await readDetected(path, opts, size, maxBytes);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    if (e instanceof ZipError || e instanceof XmlError) throw badInput(path, e.message);
    const code = (e as { code?: string }).code;
    if (code === 'ERR_STRING_TOO_LONG') throw badInput(path, 'file is too large to read as one piece');
    throw e;
  }
}
