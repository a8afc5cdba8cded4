/** Builds small real GDAL sources in a temp dir for the project loader tests. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';

/** A temp dir with: places.gpkg (EPSG:4326, layers places + roads), zones.gpkg (EPSG:3857), dem.tif (UTM 31N), rgb.tif (4326, 3 bands), nocrs.shp. */
export interface TestData {
  dir: string;
  /** Writes project.yaml (or another name) in the dir and returns its path. */
  project(yaml: string, name?: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates the temp dir and its sources (a few hundred ms). */
export async function makeTestData(): Promise<TestData> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ows-project-'));
  const wgs84 = gdal.SpatialReference.fromEPSG(4326);

  const places = gdal.open(path.join(dir, 'places.gpkg'), 'w', 'GPKG');
  const pl = places.layers.create('places', wgs84, gdal.wkbPoint);
  pl.fields.add(new gdal.FieldDefn('name', gdal.OFTString));
  pl.fields.add(new gdal.FieldDefn('pop', gdal.OFTInteger64));
  pl.fields.add(new gdal.FieldDefn('area', gdal.OFTReal));
  pl.fields.add(new gdal.FieldDefn('founded', gdal.OFTDate));
  for (const [name, pop, x, y] of [['A', 10, 2, 48], ['B', 2000, 10, 52], ['C', 30, -3, 40]] as const) {
    const f = new gdal.Feature(pl);
    f.fields.set({ name, pop, area: 1.5 });
    f.setGeometry(new gdal.Point(x, y));
    pl.features.add(f);
  }
  const roads = places.layers.create('roads', wgs84, gdal.wkbLineString);
  roads.fields.add(new gdal.FieldDefn('ref', gdal.OFTString));
  const road = new gdal.Feature(roads);
  road.fields.set({ ref: 'N1' });
  const line = new gdal.LineString();
  line.points.add(new gdal.Point(0, 0));
  line.points.add(new gdal.Point(1, 1));
  road.setGeometry(line);
  roads.features.add(road);
  places.close();

  const zones = gdal.open(path.join(dir, 'zones.gpkg'), 'w', 'GPKG');
  const zl = zones.layers.create('zones', gdal.SpatialReference.fromEPSG(3857), gdal.wkbPolygon);
  zl.fields.add(new gdal.FieldDefn('code', gdal.OFTString));
  const z = new gdal.Feature(zl);
  z.fields.set({ code: 'Z1' });
  // 0..1113194.9 m east, 0..1118890 m north: 0..10° lon, 0..~10° lat
  z.setGeometry(gdal.Geometry.fromWKT('POLYGON((0 0,1113194.9079 0,1113194.9079 1118889.9749,0 1118889.9749,0 0))'));
  zl.features.add(z);
  zones.close();

  // 100×50 cells of 1 km in UTM 31N from (400000, 5000000) to (500000, 5050000)
  const dem = gdal.open(path.join(dir, 'dem.tif'), 'w', 'GTiff', 100, 50, 1, gdal.GDT_Float32);
  dem.srs = gdal.SpatialReference.fromEPSG(32631);
  dem.geoTransform = [400000, 1000, 0, 5050000, 0, -1000];
  dem.close();

  const rgb = gdal.open(path.join(dir, 'rgb.tif'), 'w', 'GTiff', 20, 10, 3, gdal.GDT_Byte);
  rgb.srs = wgs84;
  rgb.geoTransform = [-20, 2, 0, 10, 0, -2];
  rgb.close();

  const shp = gdal.open(path.join(dir, 'nocrs.shp'), 'w', 'ESRI Shapefile');
  const sl = shp.layers.create('nocrs', null, gdal.wkbPoint);
  sl.fields.add(new gdal.FieldDefn('id', gdal.OFTInteger));
  const sf = new gdal.Feature(sl);
  sf.fields.set({ id: 1 });
  sf.setGeometry(new gdal.Point(500000, 4000000));
  sl.features.add(sf);
  shp.close();

  return {
    dir,
    async project(yaml: string, name = 'project.yaml') {
      const file = path.join(dir, name);
      await writeFile(file, yaml);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
