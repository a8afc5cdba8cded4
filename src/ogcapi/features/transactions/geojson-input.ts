/**
 * GeoJSON in a request body (RFC 7946, Part 4 "Features"): a Feature, or for POST a FeatureCollection, checked
 * and turned into what the data layer writes: properties by field name, the geometry in x/y order in the CRS the
 * Content-Crs header names (Part 2: `<uri>`, one of the collection's CRSs; CRS84 without it). A geometry in a
 * latitude-first CRS (EPSG:4326) is swapped into x/y here. Members other than type, id, geometry and properties
 * (bbox, links, foreign members) are ignored; JSON-FG's "place" is refused rather than ignored.
 */
import type { Geometry } from '../../../data/index.js';
import { checkGeoJSON } from '../../../data/spatial.js';
import { InvalidParameterError, OgcError } from '../../../errors/ogc-error.js';
import type { ProjectModel, VectorLayerDef } from '../../../project/model.js';
import type { ApiContext } from '../../context.js';
import { swapGeometry } from '../axes.js';
import { collectionCrs, requestCrs, type RequestCrs } from '../crs.js';

/** One feature of a body. `geometry` is undefined when the member is absent, null when it is null. */
export interface FeatureInput {
  id: string | number | undefined;
  properties: Record<string, unknown> | null;
  geometry: Geometry | null | undefined;
}

/** The CRS of the body's geometries: the Content-Crs header (`<uri>`, the brackets optional), else CRS84. */
export async function contentCrs(context: ApiContext, project: ProjectModel, layer: VectorLayerDef): Promise<RequestCrs> {
  const header = context.request().header('content-crs')?.trim();
  const uri = header === undefined || header === '' ? undefined : /^<(.*)>$/.exec(header)?.[1]?.trim() ?? header;
  return requestCrs(uri, collectionCrs(project, layer), 'Content-Crs');
}

/** A plain JSON object, or null for anything else. */
export function jsonObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The features of a POST body: a Feature, or every feature of a FeatureCollection (at least one). */
export function bodyFeatures(doc: unknown, crs: RequestCrs): FeatureInput[] {
  const root = jsonObject(doc);
  if (root?.['type'] === 'FeatureCollection') {
    const features = root['features'];
    if (!Array.isArray(features) || features.length === 0) throw invalid('features', 'A FeatureCollection in the body needs a non-empty "features" array');
    return features.map((f, i) => featureInput(f, crs, `features[${i}]`));
  }
  return [featureInput(doc, crs, '')];
}

/** The feature of a PUT body (a Feature, nothing else). */
export function bodyFeature(doc: unknown, crs: RequestCrs): FeatureInput {
  return featureInput(doc, crs, '');
}

/** One GeoJSON Feature checked; `at` says where it sits in the body (for the messages). */
function featureInput(value: unknown, crs: RequestCrs, at: string): FeatureInput {
  const where = at ? ` (${at})` : '';
  const f = jsonObject(value);
  if (!f || f['type'] !== 'Feature') throw invalid(at || 'body', `The body must be a GeoJSON Feature${at ? ' or FeatureCollection' : ''}; found ${describe(f?.['type'] ?? value)}${where}`);
  const id = f['id'];
  if (id !== undefined && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
    throw invalid('id', `A feature "id" must be a string or a number${where}`);
  }
  const props = f['properties'];
  if (props !== undefined && props !== null && !jsonObject(props)) throw invalid('properties', `The "properties" of a feature must be an object or null${where}`);
  if (f['place'] !== undefined && f['place'] !== null) {
    throw invalid('place', `JSON-FG "place" is not supported: give the geometry in "geometry", in the CRS named by Content-Crs${where}`);
  }
  return { id, properties: (props as Record<string, unknown> | null | undefined) ?? null, geometry: inputGeometry(f['geometry'], crs, where) };
}

/** A body geometry checked and in x/y order; undefined and null pass through. */
export function inputGeometry(value: unknown, crs: RequestCrs, where = ''): Geometry | null | undefined {
  if (value === undefined || value === null) return value;
  const why = checkGeoJSON(value);
  if (why) throw new OgcError('InvalidValue', `The geometry is not valid GeoJSON: ${why}${where}`, { locator: 'geometry' });
  return crs.swapAxes ? swapGeometry(value as Geometry) : (value as Geometry);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  if (value === null || value === undefined) return 'no type';
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object without "type"' : String(value).slice(0, 40);
}

function invalid(locator: string, message: string): OgcError {
  return new InvalidParameterError(locator, message);
}
