/**
 * Label interchange: read GeoJSON / GeoPackage / KML / KMZ / shapefiles into EPSG:4326 polygons,
 * write RFC 7946 GeoJSON and GeoPackage 1.3. Pure readers and writers; no database, no GDAL.
 */
export { readLabels } from './read-labels';
export { writeGeoJson, rfc7946Geometry, type GeoJsonWriteOptions, type GeoJsonWriteResult } from './geojson-write';
export { writeGeoPackage, registerGpkgFunctions, type GpkgField, type GpkgFieldType, type GpkgLayer, type GpkgWriteResult } from './gpkg-write';
export { inferFields } from './fields';
export type { ImportedFeature, LabelFormat, ReadOptions, ReadResult, SkippedFeature, WritableFeature } from './types';
export { checkRfc7946 } from './rfc7946-check';
export { makeZip, type ZipInput } from './zip-write';
