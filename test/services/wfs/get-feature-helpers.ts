/** Shared helpers of the GetFeature tests: read answers back with GDAL, the fixture data, exception reports. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import gdal from 'gdal-async';
import { ROOT } from '../../support/server.js';

// GDAL would fetch the DescribeFeatureType URL of xsi:schemaLocation (an address no server answers in tests).
gdal.config.set('GML_DOWNLOAD_WFS_SCHEMA', 'NO');

/** A feature as GDAL reads it: fid or gml id, attributes, geometry as GeoJSON. */
export interface ReadBack {
  id: string | null;
  attrs: Record<string, unknown>;
  geom: { type: string; coordinates: any } | null;
}

const dir = mkdtempSync(path.join(tmpdir(), 'wfs-getfeature-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Saves an answer and reads every layer back with GDAL (GML or GeoJSON driver). */
export async function gdalRead(body: string, kind: 'gml' | 'json'): Promise<Record<string, ReadBack[]>> {
  const file = path.join(dir, `a${n++}.${kind === 'gml' ? 'gml' : 'geojson'}`);
  writeFileSync(file, body);
  const ds = await gdal.openAsync(file, 'r', [kind === 'gml' ? 'GML' : 'GeoJSON']);
  const out: Record<string, ReadBack[]> = {};
  for (const layer of ds.layers) {
    const fs: ReadBack[] = [];
    for (const f of layer.features) {
      const g = f.getGeometry();
      const attrs = f.fields.toObject() as Record<string, unknown>;
      const id = (attrs['gml_id'] ?? attrs['fid'] ?? attrs['id'] ?? null) as string | null;
      delete attrs['gml_id'];
      fs.push({ id, attrs, geom: g ? JSON.parse(g.toJSON()) : null });
    }
    out[layer.name] = fs;
  }
  ds.close();
  return out;
}

/** The fixture layer's features as in its GeoJSON file (x/y, EPSG:4326). */
export function sourceFeatures(layer: 'cities' | 'countries'): Array<{ id: number | string; props: Record<string, any>; geometry: any }> {
  const ds = gdal.open(path.join(ROOT, `test/fixtures/projects/data/${layer}.geojson`));
  const out = [];
  for (const f of ds.layers.get(0).features) {
    const props = f.fields.toObject() as Record<string, any>;
    out.push({ id: layer === 'countries' ? props['iso_a3'] : f.fid, props, geometry: JSON.parse(f.getGeometry()!.toJSON()) });
  }
  ds.close();
  return out;
}

/** Code, locator and text of an exception report (OWS 1.0 / 1.1 or OGC ServiceExceptionReport). */
export function exceptionOf(body: string): { code: string; locator: string | undefined; text: string } {
  const code = /(?:exceptionCode|code)="([^"]+)"/.exec(body)?.[1];
  assert.ok(code, `an exception report, got: ${body.slice(0, 300)}`);
  const locator = /locator="([^"]*)"/.exec(body)?.[1];
  const text = (/<ows:ExceptionText>([\s\S]*?)<\/ows:ExceptionText>/.exec(body) ?? /<ServiceException[^>]*>([\s\S]*?)<\/ServiceException>/.exec(body))?.[1] ?? '';
  return { code, locator, text: text.trim() };
}

/** Asserts an answer is the exception wanted. */
export function assertException(r: { status: number; body: string }, code: string, locator: string | undefined, status = 400): string {
  const e = exceptionOf(r.body);
  assert.equal(e.code, code, `code, in ${r.body.slice(0, 400)}`);
  assert.equal(e.locator, locator, `locator, in ${r.body.slice(0, 400)}`);
  assert.equal(r.status, status);
  return e.text;
}

/** Close enough for coordinates that went through text. */
export function near(a: number[], b: number[], eps = 1e-9): boolean {
  return a.length >= 2 && Math.abs(a[0]! - b[0]!) <= eps && Math.abs(a[1]! - b[1]!) <= eps;
}

/** All positions of a GeoJSON geometry, flattened. */
export function positions(g: { type: string; coordinates: any }): number[][] {
  const walk = (c: any): number[][] => (typeof c[0] === 'number' ? [c] : c.flatMap(walk));
  return walk(g.coordinates);
}

/** The ids (feature id attribute values) of the features of a GeoJSON answer. */
export function jsonIds(body: string): string[] {
  return (JSON.parse(body).features as Array<{ id: string }>).map((f) => f.id);
}

/** gml:id / fid values of a GML answer, in order. */
export function gmlIds(body: string): string[] {
  return [...body.matchAll(/<qgs:\w+ (?:gml:id|fid)="([^"]+)"/g)].map((m) => m[1]!);
}
