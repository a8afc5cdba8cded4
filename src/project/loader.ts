import { access, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { validateProjectDocument } from './validate.js';
import { Problems, compareOrder, type NodeLocation } from './problems.js';
import type { Bounds } from './crs.js';
import { isKnownCrs, transformBBox } from '../data/crs.js';
import { inspectSource, isConnection, resolveSource, SourceError, type SourceInfo } from './sources.js';
import { buildRasterStyles, buildVectorStyles, checkScales } from './styles.js';
import type { Project } from './project.js';
import type { DataSource, FieldDef, GroupDef, LayerDef, LayerEdits, LayerExtent, LayerTreeNode, ProjectModel, ServiceMetadata } from './model.js';

type Raw = Record<string, unknown>;

/** How loadProject names the file in messages (default: relative to the working directory when inside it). */
export interface LoadOptions {
  displayName?: string;
}

const DEFAULT_SERVICES = { vector: ['WMS', 'WFS', 'OAPIF'], raster: ['WMS', 'WCS'] } as const;
const SERVICES_FOR = { vector: new Set(['WMS', 'WFS', 'OAPIF', 'WMTS']), raster: new Set(['WMS', 'WCS', 'WMTS']) } as const;

/**
 * Loads a YAML project file: parses it, checks it against the schema, opens every source with GDAL to read
 * CRS, extent, fields, geometry type and bands, and builds the model with defaults filled in. Throws a
 * ProjectError listing every problem found (each naming the file, the layer and the field).
 */
export async function loadProject(fileName: string, options: LoadOptions = {}): Promise<ProjectModel> {
  const abs = path.resolve(fileName);
  const problems = new Problems(options.displayName ?? displayName(abs));
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(abs)).mtimeMs;
    text = await readFile(abs, 'utf8');
  } catch (err) {
    problems.addFile(`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    problems.throwIfAny(abs);
    throw err;
  }
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true, merge: true });
  for (const e of doc.errors) problems.addFile(`YAML: ${e.message.split('\n')[0]}`);
  problems.throwIfAny(abs);
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (!validateProjectDocument(raw, problems)) problems.throwIfAny(abs);

  const root = raw as Raw;
  const service = await buildService((root['service'] ?? {}) as Raw, path.basename(abs).replace(/\.[^.]*$/, ''), problems);
  const builder = new TreeBuilder(path.dirname(abs), problems);
  const tree = await builder.build(root['layers'] as Raw[], null);
  builder.checkUniqueNames();
  problems.throwIfAny(abs);

  const layers = new Map<string, LayerDef>();
  const groups = new Map<string, GroupDef>();
  const index = (nodes: LayerTreeNode[]): void => {
    for (const n of nodes) {
      if (n.kind === 'group') {
        groups.set(n.name, n);
        index(n.children);
      } else layers.set(n.name, n);
    }
  };
  index(tree);
  return { fileName: abs, title: service.title, mtimeMs, service, tree, layers, groups };
}

/** Whether a Project handed to a service is a loaded YAML project (not the core's bare { fileName }). */
export function isProjectModel(project: Project | null | undefined): project is ProjectModel {
  return !!project && (project as Partial<ProjectModel>).layers instanceof Map && Array.isArray((project as Partial<ProjectModel>).tree);
}

function displayName(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

async function buildService(s: Raw, fallbackTitle: string, problems: Problems): Promise<ServiceMetadata> {
  const crs = (s['crs'] as string[] | undefined) ?? ['EPSG:4326', 'EPSG:3857'];
  for (const [i, c] of crs.entries()) {
    if (!(await isKnownCrs(c))) problems.add(null, `service.crs[${i}]`, `'${c}' is not a CRS that PROJ knows`);
  }
  const meta: ServiceMetadata = {
    title: (s['title'] as string | undefined) ?? fallbackTitle,
    abstract: (s['abstract'] as string | undefined) ?? '',
    keywords: (s['keywords'] as string[] | undefined) ?? [],
    contact: (s['contact'] as ServiceMetadata['contact'] | undefined) ?? {},
    fees: (s['fees'] as string | undefined) ?? 'none',
    accessConstraints: (s['accessConstraints'] as string | undefined) ?? 'none',
    crs,
    maxWidth: (s['maxWidth'] as number | undefined) ?? 4096,
    maxHeight: (s['maxHeight'] as number | undefined) ?? 4096,
  };
  if (s['onlineResource'] !== undefined) meta.onlineResource = s['onlineResource'] as string;
  if (s['maxFeatures'] !== undefined) meta.maxFeatures = s['maxFeatures'] as number;
  return meta;
}

/** Builds the layer tree; sources of all layers are opened concurrently. */
class TreeBuilder {
  readonly #names = new Map<string, NodeLocation>();
  readonly #order: Array<{ name: string; node: NodeLocation }> = [];

  constructor(readonly dir: string, readonly problems: Problems) {}

  async build(items: Raw[], parent: NodeLocation | null): Promise<LayerTreeNode[]> {
    const built = await Promise.all(items.map(async (item, i): Promise<LayerTreeNode | null> => {
      const group = 'group' in item;
      const name = (group ? item['group'] : item['name']) as string;
      const node: NodeLocation = { path: `${parent ? parent.path + '.' : ''}layers[${i}]`, name, group };
      this.#order.push({ name, node });
      if (group) {
        const g: GroupDef = {
          kind: 'group', name,
          title: (item['title'] as string | undefined) ?? name,
          abstract: (item['abstract'] as string | undefined) ?? '',
          children: await this.build(item['layers'] as Raw[], node),
        };
        return g;
      }
      return this.#layer(item, node);
    }));
    return built.filter((n): n is LayerTreeNode => n !== null);
  }

  /** Layer and group names share one namespace (WMS LAYERS takes both). */
  checkUniqueNames(): void {
    const sorted = [...this.#order].sort((a, b) => compareOrder(pathOrder(a.node.path), pathOrder(b.node.path)));
    for (const { name, node } of sorted) {
      const first = this.#names.get(name);
      if (first) this.problems.add(node, node.group ? 'group' : 'name', `'${name}' is already the name of ${first.path}`);
      else this.#names.set(name, node);
    }
  }

  async #layer(raw: Raw, node: NodeLocation): Promise<LayerDef | null> {
    const problems = this.problems;
    const src = (typeof raw['source'] === 'string' ? { path: raw['source'] } : raw['source']) as Raw;
    const written = src['path'] as string;
    const source: DataSource = { connection: resolveSource(written, this.dir) };
    if (src['layer'] !== undefined) source.layer = src['layer'] as string;
    if (src['subset'] !== undefined) source.subset = src['subset'] as string;
    const shown = isConnection(written) ? redact(written) : written;
    let info: SourceInfo;
    try {
      info = await inspectSource(source, raw['kind'] as 'vector' | 'raster' | undefined, shown);
    } catch (err) {
      problems.add(node, err instanceof SourceError ? err.field : 'source', err instanceof SourceError ? err.message : `'${shown}': ${(err as Error).message}`);
      return null;
    }
    if (info.kind === 'vector') {
      source.layer = info.layer;
      if (info.subsetProblem) problems.add(node, 'source.subset', info.subsetProblem);
    }

    // The project's CRS wins over the source's (like a CRS set on a QGIS layer); data is in x/y order either way.
    const given = raw['crs'] === 'CRS:84' ? 'EPSG:4326' : (raw['crs'] as string | undefined);
    if (given !== undefined && !(await isKnownCrs(given))) {
      problems.add(node, 'crs', `'${given}' is not a CRS that PROJ knows`);
      return null;
    }
    const crs = given ?? info.crs;
    if (crs === null) {
      problems.add(node, 'crs', `the source '${shown}' has no CRS with an EPSG code: give one (crs: EPSG:nnnn)`);
      return null;
    }
    checkScales(raw, '', { node, problems });
    const services = (raw['services'] as string[] | undefined) ?? [...DEFAULT_SERVICES[info.kind]];
    services.forEach((s, i) => {
      if (!SERVICES_FOR[info.kind].has(s)) problems.add(node, `services[${i}]`, `${s} cannot publish a ${info.kind} layer (allowed: ${[...SERVICES_FOR[info.kind]].join(', ')})`);
    });
    const name = raw['name'] as string;
    const title = (raw['title'] as string | undefined) ?? name;
    const base = {
      name, title,
      abstract: (raw['abstract'] as string | undefined) ?? '',
      keywords: (raw['keywords'] as string[] | undefined) ?? [],
      source, crs,
      extent: await extentOf(info.bounds, crs),
      services,
      queryable: (raw['queryable'] as boolean | undefined) ?? true,
      ...(raw['minScale'] !== undefined ? { minScale: raw['minScale'] as number } : {}),
      ...(raw['maxScale'] !== undefined ? { maxScale: raw['maxScale'] as number } : {}),
    };
    const styles = raw['styles'] !== undefined
      ? (raw['styles'] as Raw[]).map((s, i) => ({ raw: s, at: `styles[${i}]` }))
      : raw['style'] !== undefined ? [{ raw: raw['style'] as Raw, at: 'style' }] : [];
    if (raw['style'] !== undefined && raw['styles'] !== undefined) problems.add(node, 'style', "give either 'style' (one) or 'styles' (a list), not both");
    const ctx = { node, problems, title };

    if (info.kind === 'raster') {
      for (const key of ['fields', 'idField', 'geometryType', 'editable', 'precision', 'temporal', 'maxFeatures']) {
        if (raw[key] !== undefined) problems.add(node, key, 'applies to vector layers only; this is a raster layer');
      }
      return { ...base, kind: 'raster', bandCount: info.bandCount, styles: buildRasterStyles(styles, info.bandCount, ctx) };
    }
    const fields = publishedFields(raw['fields'] as unknown[] | undefined, info.fields, node, problems);
    const geometryType = (raw['geometryType'] as typeof info.geometryType | undefined) ?? info.geometryType;
    const layer: LayerDef = {
      ...base, kind: 'vector', geometryType, fields,
      styles: buildVectorStyles(styles, fields, geometryType, ctx),
      editable: await layerEdits(raw['editable'], source, info.driver, shown, node, problems),
      precision: (raw['precision'] as number | undefined) ?? DEFAULT_PRECISION,
    };
    const idField = raw['idField'] as string | undefined;
    if (idField !== undefined && idField !== info.fidColumn) {
      if (info.fields.some((f) => f.name === idField)) layer.idField = idField;
      else problems.add(node, 'idField', `'${idField}' is not a field of the source (fields: ${info.fields.map((f) => f.name).join(', ')})`);
    }
    const temporal = raw['temporal'] as { field: string } | undefined;
    if (temporal !== undefined) {
      const field = fields.find((f) => f.name === temporal.field);
      if (!field) problems.add(node, 'temporal.field', `'${temporal.field}' is not a published field of the layer`);
      else if (!/^(date|datetime|string)$/i.test(field.type)) problems.add(node, 'temporal.field', `'${temporal.field}' (${field.type}) cannot be a temporal field: it must hold dates, date-times or their text`);
      else layer.temporal = { field: temporal.field };
    }
    if (raw['maxFeatures'] !== undefined) layer.maxFeatures = raw['maxFeatures'] as number;
    return layer;
  }
}

/**
 * Drivers whose data sources can run transactions (all-or-nothing edits) here. PostgreSQL can, but not through
 * gdal-async: it binds no StartTransaction, and GDAL's PostgreSQL driver commits a transaction begun by SQL
 * the first time it reads (its own cursors run in BEGIN ... COMMIT).
 */
const TRANSACTIONAL_DRIVERS = new Set(['GPKG', 'SQLite']);

/** Decimals of coordinates in WFS / OGC API answers when the project does not say (QGIS Server's default). */
const DEFAULT_PRECISION = 6;

/**
 * The edits a layer allows (`editable: true | false | [insert, update, delete]`). Edits are all-or-nothing,
 * so only sources that run transactions may be editable; a local file must also be writable.
 */
async function layerEdits(written: unknown, source: DataSource, driver: string, shown: string, node: NodeLocation, problems: Problems): Promise<LayerEdits> {
  const list = written === true ? ['insert', 'update', 'delete'] : Array.isArray(written) ? (written as string[]) : [];
  const edits: LayerEdits = { insert: list.includes('insert'), update: list.includes('update'), delete: list.includes('delete') };
  if (list.length === 0) return edits;
  if (!TRANSACTIONAL_DRIVERS.has(driver)) {
    problems.add(node, 'editable', `the source '${shown}' (${driver}) cannot run transactions here; only GeoPackage and SQLite sources can be editable`);
  } else if (!isConnection(source.connection)) {
    // SQLite writes a journal next to the file, so the folder must be writable too.
    for (const target of [source.connection, path.dirname(source.connection)]) {
      if (!(await access(target, constants.W_OK).then(() => true, () => false))) {
        problems.add(node, 'editable', `'${target === source.connection ? shown : path.dirname(shown) || '.'}' is not writable by the server`);
        break;
      }
    }
  }
  return edits;
}

/** The fields a layer publishes: those listed (each must exist in the source), else all of the source's. */
function publishedFields(listed: unknown[] | undefined, source: Array<{ name: string; type: string }>, node: NodeLocation, problems: Problems): FieldDef[] {
  if (listed === undefined) return source.map((f) => ({ name: f.name, alias: f.name, type: f.type }));
  const byName = new Map(source.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const out: FieldDef[] = [];
  listed.forEach((item, i) => {
    const [name, alias] = typeof item === 'string' ? [item, item] : Object.entries(item as Record<string, string>)[0]!;
    const f = byName.get(name);
    if (!f) problems.add(node, `fields[${i}]`, `'${name}' is not a field of the source (fields: ${source.map((s) => s.name).join(', ')})`);
    else if (seen.has(name)) problems.add(node, `fields[${i}]`, `'${name}' is listed twice`);
    else out.push({ name, alias, type: f.type });
    seen.add(name);
  });
  return out;
}

/** The layer extent in its CRS and in WGS 84; an empty layer gets the world. */
async function extentOf(bounds: Bounds | null, crs: string): Promise<LayerExtent> {
  if (bounds) {
    const b = (await transformBBox({ crs, bounds }, 'EPSG:4326').catch(() => null))?.bounds;
    const wgs84: Bounds = b ? [Math.max(-180, b[0]), Math.max(-90, b[1]), Math.min(180, b[2]), Math.min(90, b[3])] : [-180, -90, 180, 90];
    return { crs, bbox: bounds, wgs84 };
  }
  const world: Bounds = [-180, -85.0511, 180, 85.0511];
  const b = (await transformBBox({ crs: 'EPSG:4326', bounds: world }, crs).catch(() => null))?.bounds;
  return { crs, bbox: b ?? world, wgs84: [-180, -90, 180, 90] };
}

/** Hides passwords in a connection string before it goes into a message. */
function redact(connection: string): string {
  return connection.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1***').replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

function pathOrder(treePath: string): number[] {
  return (treePath.match(/\d+/g) ?? []).map(Number);
}
