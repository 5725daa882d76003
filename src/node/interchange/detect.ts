/**
 * Tells file formats apart by their first bytes (magic numbers), not by their names: a
 * GeoPackage renamed .dat is still read, a GeoJSON named .gpkg is still GeoJSON.
 */
export type Sniffed = 'empty' | 'sqlite' | 'zip' | 'shp' | 'kml' | 'gml' | 'xml' | 'json' | 'parquet' | 'unknown';

const SQLITE = Buffer.from('SQLite format 3\0', 'latin1');

export function sniff(head: Buffer): Sniffed {
  if (head.length === 0) return 'empty';
  if (head.length >= 16 && head.subarray(0, 16).equals(SQLITE)) return 'sqlite';
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)) return 'zip';
  if (head.length >= 100 && head.readInt32BE(0) === 9994) return 'shp';
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i >= head.length) return 'empty';
  const c = String.fromCharCode(head[i]!);
  if (c === '<') {
    const text = head.subarray(i).toString('utf8');
    if (/<([\w-]+:)?kml[\s>/]/.test(text)) return 'kml';
    if (/<([\w-]+:)?(FeatureCollection|featureMember|member)[\s>]|xmlns(:\w+)?="http:\/\/www\.opengis\.net\/gml/.test(text)) return 'gml';
    return 'xml';
  }
  if ('{["'.includes(c) || /[-0-9]/.test(c)) return 'json';
  if (/^(null|true|false)\s*$/.test(head.subarray(i, i + 16).toString('latin1'))) return 'json';
  return 'unknown';
}
