/**
 * Editable copies of the test project for WFS-T tests: the fixture GeoJSONs become GeoPackages (ogr2ogr, FIDs
 * kept) in a fresh temp directory with a project.yaml that marks the layers `editable` as the test asks.
 * The GeoPackages are made once per process and copied for each server, so every test starts from the fixtures.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import gdal from 'gdal-async';
import YAML from 'yaml';
import type { AccessControlFilterLike } from '../../../src/filters/access-control.js';
import { ROOT } from '../../support/server.js';
import { PROJECT, wfs, wfsPost, wfsServer, xmlObject } from './support.js';

const run = promisify(execFile);
const DATA = path.join(ROOT, 'test/fixtures/projects/data');
/** The vector layers of the test project. */
export const VECTOR_LAYERS = ['countries', 'cities', 'secret'] as const;
export type VectorLayerName = (typeof VECTOR_LAYERS)[number];
/** `editable` per layer, as the project file writes it (absent: not editable). */
export type Editable = Partial<Record<VectorLayerName, boolean | Array<'insert' | 'update' | 'delete'>>>;

let template: Promise<string> | null = null;

/** One GeoPackage per vector layer, made once (ogr2ogr -preserve_fid: the GeoJSON ids 1..n stay the FIDs). */
function templateDir(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ows-wfst-template-'));
    for (const name of VECTOR_LAYERS) {
      await run('ogr2ogr', ['-f', 'GPKG', '-preserve_fid', '-nln', name, path.join(dir, `${name}.gpkg`), path.join(DATA, `${name}.geojson`)]);
    }
    // 'exit' handlers run synchronously: only a synchronous remove finishes there.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return template;
}

/** An editable copy of the project: its folder, project file and a remover. */
export interface EditableProject {
  dir: string;
  projectFile: string;
  remove(): Promise<void>;
}

/** Copies the GeoPackages into a fresh folder and writes the test project there, vector sources swapped for them. */
export async function editableProject(editable: Editable = { countries: true, cities: true, secret: true }): Promise<EditableProject> {
  const source = await templateDir();
  const dir = await mkdtemp(path.join(tmpdir(), 'ows-wfst-'));
  for (const name of VECTOR_LAYERS) await copyFile(path.join(source, `${name}.gpkg`), path.join(dir, `${name}.gpkg`));
  const doc = YAML.parse(await readFile(PROJECT, 'utf8')) as { layers: Array<Record<string, unknown>> };
  rewriteLayers(doc.layers, dir, editable);
  const projectFile = path.join(dir, 'project.yaml');
  await writeFile(projectFile, YAML.stringify(doc));
  // The pool may still be closing a handle (SQLite journal files come and go): retry a non-empty folder.
  return { dir, projectFile, remove: () => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }) };
}

function rewriteLayers(nodes: Array<Record<string, unknown>>, dir: string, editable: Editable): void {
  for (const node of nodes) {
    if (Array.isArray(node['layers'])) rewriteLayers(node['layers'] as Array<Record<string, unknown>>, dir, editable);
    const name = node['name'] as string | undefined;
    if (name === undefined || node['source'] === undefined) continue;
    if ((VECTOR_LAYERS as readonly string[]).includes(name)) {
      node['source'] = path.join(dir, `${name}.gpkg`);
      const e = editable[name as VectorLayerName];
      if (e !== undefined) node['editable'] = e;
    } else node['source'] = path.join(DATA, path.basename(node['source'] as string));
  }
}

/** A WFS server on an editable copy of the project, with access-control filters; `remove` deletes the copy. */
export async function editServer(filters: AccessControlFilterLike[] = [], editable?: Editable) {
  const project = await editableProject(editable);
  const s = wfsServer(filters, { projectFile: project.projectFile });
  return Object.assign(s, { project });
}

export type EditServer = Awaited<ReturnType<typeof editServer>>;

/** A stored feature, read straight from the GeoPackage (not through the server or its caches). */
export interface StoredFeature {
  fid: number;
  attributes: Record<string, unknown>;
  /** GeoJSON, x/y, in the layer CRS (EPSG:4326). */
  geometry: { type: string; coordinates: any } | null;
}

/** The features of a layer as stored, keyed by FID. */
export function stored(s: EditServer, layer: VectorLayerName): Map<number, StoredFeature> {
  const ds = gdal.open(path.join(s.project.dir, `${layer}.gpkg`));
  try {
    const out = new Map<number, StoredFeature>();
    for (const f of ds.layers.get(0).features) {
      const g = f.getGeometry();
      out.set(f.fid, { fid: f.fid, attributes: f.fields.toObject() as Record<string, unknown>, geometry: g ? (g.toObject() as StoredFeature['geometry']) : null });
    }
    return out;
  } finally {
    ds.close();
  }
}

/** The stored features of a layer whose attribute `field` equals `value`. */
export function storedWhere(s: EditServer, layer: VectorLayerName, field: string, value: unknown): StoredFeature[] {
  return [...stored(s, layer).values()].filter((f) => f.attributes[field] === value);
}

/** Every feature of a type as GeoJSON (WFS 2.0 GetFeature, a fresh read), keyed by id. */
export async function readAll(s: EditServer, type: string): Promise<Map<string, { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } | null }>> {
  const r = await wfs(s, `VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${type}&OUTPUTFORMAT=application/json`);
  if (r.status !== 200) throw new Error(`GetFeature ${type} failed (${r.status}): ${r.body.slice(0, 400)}`);
  const fc = JSON.parse(r.body) as { features: Array<{ id: string | number; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } | null }> };
  return new Map(fc.features.map((f) => [String(f.id), f]));
}

/** A Transaction body: `transactionXml('1.1.0', '<wfs:Delete …/>')` with the usual namespaces of that version. */
export function transactionXml(version: '1.0.0' | '1.1.0' | '2.0.0', actions: string, rootAttributes = ''): string {
  const ns = version === '2.0.0'
    ? 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"'
    : 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"';
  return `<?xml version="1.0" encoding="UTF-8"?>
<wfs:Transaction service="WFS" version="${version}" ${ns} xmlns:qgs="http://www.qgis.org/gml" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${rootAttributes}>
${actions}
</wfs:Transaction>`;
}

/** POSTs a Transaction; returns the response with its parsed body. */
export async function postTransaction(s: EditServer, xml: string) {
  const r = await wfsPost(s, xml);
  return { ...r, xml: xmlObject(r.body) };
}

/** The OWS exception of an error response: code, locator, text (any of the three exception formats). */
export function exceptionOf(body: string): { code: string; locator: string | undefined; text: string } {
  const code = /(?:exceptionCode|code)="([^"]+)"/.exec(body)?.[1] ?? '';
  const locator = /locator="([^"]*)"/.exec(body)?.[1];
  const text = /<(?:ows:)?ExceptionText>([\s\S]*?)<\/(?:ows:)?ExceptionText>|<ServiceException[^>]*>([\s\S]*?)<\/ServiceException>/.exec(body);
  return { code, locator, text: (text?.[1] ?? text?.[2] ?? '').trim() };
}
