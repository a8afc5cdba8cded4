import path from 'node:path';
import { PNG } from 'pngjs';
import { create } from 'xmlbuilder2';
import { ROOT, testServer } from '../../support/server.js';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';

/** The committed test project. */
export const PROJECT = path.join(ROOT, 'test/fixtures/projects/project.yaml');

/** A server with WMS serving the test project; optional access-control filters. */
export function wmsServer(filters: AccessControlFilterLike[] = []) {
  // Reads wait for the in-memory snapshot instead of racing its background load: the GDAL path clips and
  // simplifies geometries, the snapshot does not, so two maps of one request could differ by a few pixels.
  const s = testServer({ projectFile: PROJECT, projectsDir: path.dirname(PROJECT), dataSnapshot: 'wait' }, { coreServices: true });
  for (const f of filters) s.iface.registerAccessControl(f, 10);
  return s;
}

/** Decodes a PNG body. */
export function png(body: Buffer): PNG {
  return PNG.sync.read(body);
}

/** RGBA of one pixel. */
export function pixel(img: PNG, x: number, y: number): [number, number, number, number] {
  const i = (img.width * y + x) * 4;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, img.data[i + 3]!];
}

/** A parsed XML document as xmlbuilder2's object form. */
export function xmlObject(body: string): Record<string, any> {
  return create(body).end({ format: 'object' }) as Record<string, any>;
}

/** Hides `secret`, the gdp_md field of countries, and every city under 1 million inhabitants. */
export const RESTRICTIVE: AccessControlFilterLike = {
  layerPermissions: (layer) => ({ canRead: layer.name() !== 'secret' }),
  authorizedLayerAttributes: (layer, attrs) => (layer.name() === 'countries' ? attrs.filter((a) => a !== 'gdp_md') : attrs),
  layerFilterExpression: (layer) => (layer.name() === 'cities' ? '"population" >= 1000000' : null),
  layerFilterSubsetString: (layer) => (layer.name() === 'countries' ? "name <> 'Brazil'" : null),
  cacheKey: () => 'restrictive',
};
