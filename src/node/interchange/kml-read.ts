/**
 * KML (Google Earth Pro, Google My Maps, GDAL): every Placemark, in document order, through any
 * nesting of Document/Folder. Polygon and MultiGeometry become polygons; name, description and
 * ExtendedData (SchemaData/SimpleData typed by the Schema, Data/value) become properties.
 */
import { Collector, type RawGeometry } from './collect';
import type { RingPts } from './repair';
import type { ReadResult } from './types';
import { child, childText, parseXml, XmlError, type XmlElement } from './xml';

const GEOMETRY_TAGS = new Set(['Polygon', 'MultiGeometry', 'Point', 'LineString', 'LinearRing', 'Model', 'Track', 'MultiTrack']);
const NUMERIC = new Set(['int', 'uint', 'short', 'ushort', 'float', 'double']);

function parseCoordinates(text: string): RingPts {
  const out: RingPts = [];
  const norm = text.trim().replace(/\s*,\s*/g, ',');
  if (!norm) return out;
  for (const tuple of norm.split(/\s+/)) {
    const parts = tuple.split(',');
    out.push([parts[0] === undefined || parts[0] === '' ? NaN : Number(parts[0]), parts[1] === undefined || parts[1] === '' ? NaN : Number(parts[1])]);
  }
  return out;
}

function ringOf(boundary: XmlElement | undefined): RingPts[] {
  if (!boundary) return [];
  const rings: RingPts[] = [];
  for (const lr of boundary.children) {
    if (lr.name !== 'LinearRing') continue;
    const c = child(lr, 'coordinates');
    rings.push(parseCoordinates(c?.text ?? ''));
  }
  return rings;
}

function polygonOf(el: XmlElement): RingPts[] {
  const outer = ringOf(child(el, 'outerBoundaryIs'));
  if (!outer.length) return [];
  const holes = el.children.filter((c) => c.name === 'innerBoundaryIs').flatMap((b) => ringOf(b));
  return [outer[0]!, ...holes];
}

function collectGeometry(el: XmlElement, polys: RingPts[][], others: string[]): void {
  if (el.name === 'Polygon') {
    const p = polygonOf(el);
    if (p.length) polys.push(p);
    else others.push('Polygon without outerBoundaryIs');
  } else if (el.name === 'MultiGeometry') {
    for (const c of el.children) if (GEOMETRY_TAGS.has(c.name)) collectGeometry(c, polys, others);
  } else others.push(el.name);
}

function geometryOf(pm: XmlElement): RawGeometry | null {
  const geoms = pm.children.filter((c) => GEOMETRY_TAGS.has(c.name));
  if (!geoms.length) return null;
  const polys: RingPts[][] = [];
  const others: string[] = [];
  for (const g of geoms) collectGeometry(g, polys, others);
  const kinds = [...new Set(others)].join(', ');
  if (!polys.length) return { skip: `${kinds} is not an area (only polygons are imported)` };
  const multi = geoms.length > 1 || geoms[0]!.name === 'MultiGeometry';
  const raw: RawGeometry = { multi, polygons: polys };
  if (others.length) raw.notes = [`dropped ${others.length} non-area part${others.length > 1 ? 's' : ''} (${kinds})`];
  return raw;
}

/** Schema id -> field name -> KML type, for typing SimpleData values. */
function schemas(root: XmlElement): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const walk = (el: XmlElement) => {
    if (el.name === 'Schema') {
      const fields = new Map<string, string>();
      for (const f of el.children) if (f.name === 'SimpleField' && f.attrs.name) fields.set(f.attrs.name, (f.attrs.type ?? 'string').toLowerCase());
      if (el.attrs.id) out.set(el.attrs.id, fields);
      if (el.attrs.name) out.set(el.attrs.name, fields);
      return;
    }
    if (el.name !== 'Placemark') for (const c of el.children) walk(c);
  };
  walk(root);
  return out;
}

function typed(value: string, type: string | undefined): unknown {
  if (type && NUMERIC.has(type)) {
    const n = Number(value.trim());
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  if (type === 'bool') return /^(1|true)$/i.test(value.trim());
  return value;
}

function propertiesOf(pm: XmlElement, types: Map<string, Map<string, string>>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  const name = childText(pm, 'name');
  if (name !== undefined) props.name = name;
  const description = childText(pm, 'description');
  if (description !== undefined) props.description = description;
  const visibility = childText(pm, 'visibility');
  if (visibility !== undefined) props.visibility = visibility === '1' || visibility === 'true';
  const ext = child(pm, 'ExtendedData');
  for (const d of ext?.children ?? []) {
    if (d.name === 'SchemaData') {
      const fields = types.get((d.attrs.schemaUrl ?? '').replace(/^.*#/, ''));
      for (const s of d.children) if (s.name === 'SimpleData' && s.attrs.name) props[s.attrs.name] = typed(s.text.trim(), fields?.get(s.attrs.name));
    } else if (d.name === 'Data' && d.attrs.name) {
      props[d.attrs.name] = childText(d, 'value') ?? '';
    }
  }
  return props;
}

export function readKml(text: string): Omit<ReadResult, 'format'> {
  const root = parseXml(text);
  if (root.name !== 'kml') throw new XmlError(`root element is <${root.name}>, not <kml>`);
  const types = schemas(root);
  const out = new Collector('EPSG:4326', null, false);
  let index = 0;
  const walk = (el: XmlElement) => {
    for (const c of el.children) {
      if (c.name === 'Placemark') {
        const i = index++;
        const id = c.attrs.id ?? null;
        out.add(i, id, geometryOf(c) ?? { skip: 'placemark has no geometry' }, propertiesOf(c, types));
      } else if (c.name !== 'Schema' && c.name !== 'Style' && c.name !== 'StyleMap') walk(c);
    }
  };
  walk(root);
  return { layer: null, sourceCrs: 'EPSG:4326', features: out.features, skipped: out.skipped };
}
