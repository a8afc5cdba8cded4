import gdal from 'gdal-async';

/** One feature as the test sees it: its id and its attributes as gdal-async returns them. */
export interface Row { id: number; rec: Record<string, unknown> }

/** A dataset written by one GDAL driver, with the dialect its attribute filters use. */
export interface Fixture { label: string; dialect: 'sqlite' | 'ogr'; layer: gdal.Layer; rows: Row[]; types: Record<string, string>; close(): void }

const NAMES: Array<string | null> = [
  'Berlin', 'berlin', 'BERLIN', 'Bern', 'Köln', 'KÖLN', 'köln', 'Zürich', 'ZÜRICH', '\u212Aiel', 'Kiel', 'kiel', 'Straße', 'STRASSE',
  '\u017Ftadt', 'Stadt', 'stadt', 'a_b', 'a%b', 'axb', 'a\\b', "O'Brien", '😀 smile', '', ' padded ', 'İstanbul', 'istanbul', 'ISTANBUL',
  'ıi', 'Ærø', 'ærø', '5', '05', '5.0', ' 5', 'abc', 'ABC', 'Abc', null, null, 'x\ny', '\uFF21 fullwidth', '\u{20000} ext-b', 'Abcabc',
];
const CODES = ['1', '01', '1.0', 'A1', null, '10', '9', '-3', '1e3', 'abc', 'ABC', 'z', ''];
const POPS = [0, 1, -5, 42, 3500000, null, 7, 100, -1, 2, 13, null, 999, 5];
const AREAS = [0, 0.5, -0.5, 2.5, 1e-7, 1e10, 0.1, 0.30000000000000004, null, 891.8, 3, -2.5, 1.005, null, 7.25, 0.49999999999999994];
const FLAGS = [1, 0, null];

/** The attribute rows every fixture holds (ids 1…n). */
export function sourceRows(): Array<Record<string, unknown>> {
  return NAMES.map((name, i) => ({
    id: i + 1,
    name,
    code: CODES[i % CODES.length],
    pop: POPS[i % POPS.length],
    area: AREAS[i % AREAS.length],
    flag: FLAGS[i % FLAGS.length],
    born: i % 2 === 0 ? `2020-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}` : null,
  }));
}

const FIELDS: Array<[string, string]> = [
  ['id', gdal.OFTInteger], ['name', gdal.OFTString], ['code', gdal.OFTString], ['pop', gdal.OFTInteger],
  ['area', gdal.OFTReal], ['flag', gdal.OFTInteger], ['born', gdal.OFTDate],
];

/** Writes the rows with one driver under /vsimem and opens the result for reading. */
export function makeFixture(label: string, driver: string, path: string, dialect: 'sqlite' | 'ogr', options: string[] = []): Fixture {
  const out = gdal.drivers.get(driver).create(path);
  const created = out.layers.create('t', gdal.SpatialReference.fromEPSG(4326), gdal.wkbPoint, options);
  for (const [name, type] of FIELDS) created.fields.add(new gdal.FieldDefn(name, type));
  for (const row of sourceRows()) {
    const f = new gdal.Feature(created);
    for (const [key, value] of Object.entries(row)) if (value !== null) f.fields.set(key, value as never);
    f.setGeometry(new gdal.Point(row.id as number, 0));
    created.features.add(f);
  }
  out.close();
  const ds = gdal.open(path);
  const layer = ds.layers.get(0);
  const types: Record<string, string> = {};
  layer.fields.forEach((fd) => { types[fd.name] = fd.type; });
  const rows: Row[] = [];
  layer.features.forEach((f) => {
    const rec = f.fields.toObject() as Record<string, unknown>;
    rows.push({ id: rec.id as number, rec });
  });
  return { label, dialect, layer, rows, types, close: () => ds.close() };
}

/** All fixtures: SQLite-dialect (GeoPackage, SQLite) and OGR-SQL-dialect (GeoJSON, Shapefile, FlatGeobuf) drivers. */
export function makeFixtures(): Fixture[] {
  const stamp = `${process.pid}-${Date.now()}`;
  return [
    makeFixture('GPKG', 'GPKG', `/vsimem/expr-${stamp}.gpkg`, 'sqlite'),
    makeFixture('SQLite', 'SQLite', `/vsimem/expr-${stamp}.sqlite`, 'sqlite'),
    makeFixture('GeoJSON', 'GeoJSON', `/vsimem/expr-${stamp}.geojson`, 'ogr'),
    makeFixture('Shapefile', 'ESRI Shapefile', `/vsimem/expr-${stamp}-shp/t.shp`, 'ogr', ['ENCODING=UTF-8']),
    makeFixture('Shapefile-latin1', 'ESRI Shapefile', `/vsimem/expr-${stamp}-dbf/t.shp`, 'ogr'),
    makeFixture('FlatGeobuf', 'FlatGeobuf', `/vsimem/expr-${stamp}.fgb`, 'ogr'),
  ];
}

/** Ids of the features a where clause selects, through the driver's own attribute filter. */
export function selectIds(layer: gdal.Layer, where: string): Set<number> {
  layer.setAttributeFilter(where);
  try {
    const count = layer.features.count(true);
    if (count < 0) throw new Error(`the driver rejected the filter: ${where}`);
    const ids = new Set<number>();
    layer.features.forEach((f) => { ids.add(f.fields.get('id') as number); });
    if (ids.size !== count) throw new Error(`count ${count} but ${ids.size} features for: ${where}`);
    return ids;
  } finally {
    layer.setAttributeFilter(null);
  }
}
