import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadProject, isProjectModel } from '../../src/project/loader.js';
import { ProjectError } from '../../src/project/problems.js';
import type { RasterLayerDef, VectorLayerDef, GroupDef } from '../../src/project/model.js';
import { makeTestData, type TestData } from './make-data.js';

let data: TestData;
before(async () => {
  data = await makeTestData();
});
after(() => data.cleanup());

async function load(yaml: string): Promise<ReturnType<typeof loadProject>> {
  return loadProject(await data.project(yaml), { displayName: 'demo/project.yaml' });
}

/** Loads a project that must fail; returns its problem lines. */
async function problems(yaml: string): Promise<readonly string[]> {
  try {
    await load(yaml);
  } catch (err) {
    assert.ok(err instanceof ProjectError, `expected a ProjectError, got ${String(err)}`);
    assert.equal(err.message, err.problems.join('\n'));
    return err.problems;
  }
  assert.fail('the project loaded');
}

function approx(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tolerance, `[${i}] ${v} is not ${expected[i]} ± ${tolerance} (${JSON.stringify(actual)})`));
}

describe('loadProject: defaults', () => {
  it('fills in service metadata, layer defaults, all source fields and a default style', async () => {
    const p = await load('layers:\n  - name: places\n    source: { path: places.gpkg, layer: places }\n');
    assert.ok(isProjectModel(p));
    assert.equal(p.fileName, path.join(data.dir, 'project.yaml'));
    assert.equal(p.title, 'project');
    assert.ok(p.mtimeMs > 0);
    assert.deepEqual(p.service, {
      title: 'project', abstract: '', keywords: [], contact: {}, fees: 'none', accessConstraints: 'none',
      crs: ['EPSG:4326', 'EPSG:3857'], maxWidth: 4096, maxHeight: 4096,
    });
    const l = p.layers.get('places') as VectorLayerDef;
    assert.equal(l.kind, 'vector');
    assert.equal(l.title, 'places');
    assert.equal(l.abstract, '');
    assert.deepEqual(l.keywords, []);
    assert.deepEqual(l.source, { connection: path.join(data.dir, 'places.gpkg'), layer: 'places' });
    assert.equal(l.crs, 'EPSG:4326');
    assert.equal(l.geometryType, 'Point');
    assert.deepEqual(l.services, ['WMS', 'WFS', 'OAPIF']);
    assert.equal(l.queryable, true);
    assert.equal(l.minScale, undefined);
    assert.equal(l.idField, undefined);
    assert.deepEqual(l.fields, [
      { name: 'name', alias: 'name', type: 'string' },
      { name: 'pop', alias: 'pop', type: 'integer64' },
      { name: 'area', alias: 'area', type: 'real' },
      { name: 'founded', alias: 'founded', type: 'date' },
    ]);
    assert.deepEqual(l.styles, [{
      name: 'default', title: 'places',
      style: { type: 'single', symbol: { fill: '#e6550d', stroke: '#ffffff', strokeWidth: 1, dash: [], opacity: 1, marker: { shape: 'circle', size: 6 } } },
    }]);
    assert.deepEqual(p.tree, [l]);
  });

  it('fills in symbol and label defaults and normalises colours', async () => {
    const p = await load(`
layers:
  - name: places
    source: { path: places.gpkg, layer: places }
    style:
      fill: steelblue
      stroke: '#abc'
      marker: square
      labels: { field: name, color: 'rgba(255, 0, 0, 0.5)', halo: white }
`);
    const l = p.layers.get('places') as VectorLayerDef;
    assert.deepEqual(l.styles[0], {
      name: 'default', title: 'default',
      style: {
        type: 'single',
        symbol: { fill: '#4682b4', stroke: '#aabbcc', strokeWidth: 1, dash: [], opacity: 1, marker: { shape: 'square', size: 6 } },
        labels: {
          expression: '"name"', font: 'sans-serif', size: 10, color: 'rgba(255, 0, 0, 0.50)', placement: 'auto',
          offset: [0, 0], priority: 0, halo: { color: '#ffffff', width: 1 },
        },
      },
    });
  });

  it('accepts YAML anchors and merge keys, kept under templates', async () => {
    const p = await load(`
templates:
  symbol: &symbol { stroke: white, strokeWidth: 2 }
layers:
  - name: places
    source: { path: places.gpkg, layer: places }
    style: { <<: *symbol, fill: red }
`);
    const l = p.layers.get('places') as VectorLayerDef;
    assert.deepEqual(l.styles[0]!.style, { type: 'single', symbol: { fill: '#ff0000', stroke: '#ffffff', strokeWidth: 2, dash: [], opacity: 1, marker: { shape: 'circle', size: 6 } } });
  });

  it('builds categorized, graduated, rule-based and raster styles with their defaults', async () => {
    const p = await load(`
layers:
  - name: places
    source: { path: places.gpkg, layer: places }
    styles:
      - name: cat
        type: categorized
        field: name
        categories:
          - { value: A, fill: red }
          - { value: null, label: nothing, fill: blue }
          - { value: 12 }
        default: { stroke: black }
      - name: grad
        type: graduated
        field: pop
        classes:
          - { min: 0, max: 100, marker: { size: 4 } }
      - name: rules
        type: rules
        rules:
          - { filter: '"pop" > 100', maxScale: 5000000, fill: green }
          - { name: rest, else: true, fill: gray }
  - name: rgb
    source: rgb.tif
    styles:
      - { name: natural, type: rgb }
      - { name: red, type: gray, band: 1, min: 0, max: 200 }
      - { name: ramp, type: ramp, band: 2, stops: [{ value: 0, color: black }, { value: 255, color: white, label: top }] }
`);
    const v = p.layers.get('places') as VectorLayerDef;
    const sym = (extra: object) => ({ strokeWidth: 1, dash: [], opacity: 1, marker: { shape: 'circle', size: 6 }, ...extra });
    assert.deepEqual(v.styles.map((s) => s.name), ['cat', 'grad', 'rules']);
    assert.deepEqual(v.styles[0]!.style, {
      type: 'categorized', field: 'name',
      categories: [
        { value: 'A', label: 'A', symbol: sym({ fill: '#ff0000' }) },
        { value: null, label: 'nothing', symbol: sym({ fill: '#0000ff' }) },
        { value: '12', label: '12', symbol: sym({}) }, // a string field: 12 is read as '12'
      ],
      defaultSymbol: sym({ stroke: '#000000' }),
    });
    assert.deepEqual(v.styles[1]!.style, { type: 'graduated', field: 'pop', classes: [{ min: 0, max: 100, label: '0 – 100', symbol: sym({ marker: { shape: 'circle', size: 4 } }) }] });
    assert.deepEqual(v.styles[2]!.style, {
      type: 'rules',
      rules: [
        { name: 'rule1', label: '"pop" > 100', filter: '"pop" > 100', else: false, maxScale: 5000000, symbol: sym({ fill: '#008000' }) },
        { name: 'rest', label: 'rest', else: true, symbol: sym({ fill: '#808080' }) },
      ],
    });
    const r = p.layers.get('rgb') as RasterLayerDef;
    assert.deepEqual(r.styles, [
      { name: 'natural', title: 'natural', style: { type: 'rgb', bands: [1, 2, 3] } },
      { name: 'red', title: 'red', style: { type: 'gray', band: 1, min: 0, max: 200 } },
      { name: 'ramp', title: 'ramp', style: { type: 'ramp', band: 2, interpolation: 'linear', stops: [{ value: 0, color: '#000000', label: '0' }, { value: 255, color: '#ffffff', label: 'top' }] } },
    ]);
  });
});

describe('loadProject: tree, fields, sources', () => {
  it('builds nested groups in the order written and indexes layers and groups by name', async () => {
    const p = await load(`
service: { title: Tree, crs: ['EPSG:4326', 'EPSG:2154'] }
layers:
  - name: rgb
    source: rgb.tif
  - group: world
    title: The world
    abstract: Everything
    layers:
      - name: zones
        source: zones.gpkg
      - group: inner
        layers:
          - name: roads
            source: { path: places.gpkg, layer: roads }
  - name: places
    source: { path: places.gpkg, layer: places }
`);
    assert.equal(p.title, 'Tree');
    assert.deepEqual(p.tree.map((n) => n.name), ['rgb', 'world', 'places']);
    const world = p.groups.get('world') as GroupDef;
    assert.equal(world.kind, 'group');
    assert.equal(world.title, 'The world');
    assert.equal(world.abstract, 'Everything');
    assert.deepEqual(world.children.map((n) => n.name), ['zones', 'inner']);
    assert.deepEqual((world.children[1] as GroupDef).children.map((n) => n.name), ['roads']);
    assert.equal(p.groups.get('inner')!.title, 'inner');
    assert.deepEqual([...p.layers.keys()].sort(), ['places', 'rgb', 'roads', 'zones']);
    assert.equal((p.layers.get('roads') as VectorLayerDef).geometryType, 'LineString');
  });

  it('publishes listed fields with aliases, in the order listed, and keeps idField', async () => {
    const p = await load(`
layers:
  - name: places
    source: { path: places.gpkg, layer: places, subset: "pop > 5" }
    fields: [pop, { name: Name }]
    idField: name
    queryable: false
    minScale: 1000
    maxScale: 50000000
    services: [WMS]
`);
    const l = p.layers.get('places') as VectorLayerDef;
    assert.deepEqual(l.fields, [{ name: 'pop', alias: 'pop', type: 'integer64' }, { name: 'name', alias: 'Name', type: 'string' }]);
    assert.equal(l.idField, 'name');
    assert.equal(l.source.subset, 'pop > 5');
    assert.equal(l.queryable, false);
    assert.equal(l.minScale, 1000);
    assert.equal(l.maxScale, 50000000);
    assert.deepEqual(l.services, ['WMS']);
  });

  it('reads CRS and extents: EPSG:4326 and EPSG:3857 GeoPackages, a UTM GeoTIFF, lon/lat order in wgs84', async () => {
    const p = await load(`
layers:
  - { name: places, source: { path: places.gpkg, layer: places } }
  - { name: zones, source: zones.gpkg }
  - { name: dem, source: dem.tif }
  - { name: rgb, source: rgb.tif }
`);
    const places = p.layers.get('places')!;
    assert.deepEqual(places.extent, { crs: 'EPSG:4326', bbox: [-3, 40, 10, 52], wgs84: [-3, 40, 10, 52] });
    const zones = p.layers.get('zones')!;
    assert.equal(zones.crs, 'EPSG:3857');
    assert.equal(zones.extent.crs, 'EPSG:3857');
    approx(zones.extent.bbox, [0, 0, 1113194.9079, 1118889.9749], 1e-3);
    approx(zones.extent.wgs84, [0, 0, 10, 10], 1e-6);
    const dem = p.layers.get('dem') as RasterLayerDef;
    assert.equal(dem.kind, 'raster');
    assert.equal(dem.crs, 'EPSG:32631');
    assert.equal(dem.bandCount, 1);
    assert.deepEqual(dem.extent.bbox, [400000, 5000000, 500000, 5050000]);
    // UTM 31N: x = 500000 is the central meridian (3°E); x = 400000 lies west of it, further west in the north.
    approx(dem.extent.wgs84, [1.71784, 45.14639, 3, 45.60354], 1e-4); // as gdaltransform -s_srs EPSG:32631 -t_srs OGC:CRS84 says
    assert.deepEqual(dem.services, ['WMS', 'WCS']);
    assert.deepEqual(dem.styles, [{ name: 'default', title: 'dem', style: { type: 'gray', band: 1 } }]);
    const rgb = p.layers.get('rgb') as RasterLayerDef;
    assert.deepEqual(rgb.extent, { crs: 'EPSG:4326', bbox: [-20, -10, 20, 10], wgs84: [-20, -10, 20, 10] });
    assert.deepEqual(rgb.styles[0]!.style, { type: 'rgb', bands: [1, 2, 3] });
  });

  it('takes the CRS from the project when the source has none', async () => {
    const p = await load('layers:\n  - { name: nocrs, source: nocrs.shp, crs: "EPSG:32631" }\n');
    const l = p.layers.get('nocrs')!;
    assert.equal(l.crs, 'EPSG:32631');
    assert.deepEqual(l.extent.bbox, [500000, 4000000, 500000, 4000000]);
    approx(l.extent.wgs84, [3, 36.14472, 3, 36.14472], 1e-4);
  });

  it('passes GDAL connection strings through unchanged', async () => {
    const lines = await problems('layers:\n  - { name: pg, source: { path: "PG:dbname=nowhere_at_all password=hunter2", layer: roads } }\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^demo\/project\.yaml: layers\[0\] 'pg' source: 'PG:dbname=nowhere_at_all password=\*\*\*' cannot be opened: /);
  });
});

describe('loadProject: problems name the file, the layer and the field', () => {
  it('names a bad colour in a nested layer', async () => {
    const lines = await problems(`
layers:
  - group: world
    layers:
      - name: places
        source: { path: places.gpkg, layer: places }
      - name: zones
        source: zones.gpkg
        style: { fill: 'red!' }
`);
    assert.deepEqual(lines, ["demo/project.yaml: layers[0].layers[1] 'zones' style.fill: 'red!' is not a colour"]);
  });

  it('reports every schema problem at once: unknown keys with a hint, types, enums, names, missing keys', async () => {
    const lines = await problems(`
service:
  title: 3
  maxWidht: 100
layers:
  - name: places
    titel: Places
    source: { path: places.gpkg, layer: places }
    kind: vectr
    minScale: big
  - name: 'bad name'
    source: zones.gpkg
  - name: nosource
  - group: g
    title: G
    layers:
      - name: zones
        source: zones.gpkg
        styles:
          - name: s1
            type: categorised
          - type: single
`);
    assert.deepEqual([...lines].sort(), [
      "demo/project.yaml: layers[0] 'places' kind: 'vectr' must be one of: vector, raster (did you mean 'vector'?)",
      "demo/project.yaml: layers[0] 'places' minScale: must be a number",
      "demo/project.yaml: layers[0] 'places' titel: unknown key (did you mean 'title'?)",
      "demo/project.yaml: layers[1] 'bad name' name: 'bad name' is not a valid name (letters, digits, _ . -; starting with a letter or _)",
      "demo/project.yaml: layers[2] 'nosource' source: is required",
      "demo/project.yaml: layers[3].layers[0] 'zones' styles[0].type: 'categorised' must be one of: single, categorized, graduated, rules, gray, rgb, ramp (did you mean 'categorized'?)",
      "demo/project.yaml: layers[3].layers[0] 'zones' styles[1].name: is required",
      'demo/project.yaml: service.maxWidht: unknown key (did you mean \'maxWidth\'?)',
      'demo/project.yaml: service.title: must be a string',
    ].sort());
  });

  it('reports YAML syntax errors and duplicate keys with their line', async () => {
    const dup = await problems('layers:\n  - name: a\n    name: b\n    source: x\n');
    assert.equal(dup.length, 1);
    assert.match(dup[0]!, /^demo\/project\.yaml: YAML: Map keys must be unique at line 3, column 5/);
    const bad = await problems('layers: [\n');
    assert.match(bad[0]!, /^demo\/project\.yaml: YAML: .*line 2/);
  });

  it('reports a missing file, a missing layer, a multi-layer source and a source without CRS', async () => {
    const lines = await problems(`
layers:
  - { name: a, source: nothere.gpkg }
  - { name: b, source: { path: places.gpkg, layer: nolayer } }
  - { name: c, source: places.gpkg }
  - { name: d, source: nocrs.shp }
`);
    assert.deepEqual(lines, [
      "demo/project.yaml: layers[0] 'a' source: 'nothere.gpkg' does not exist",
      "demo/project.yaml: layers[1] 'b' source.layer: 'nolayer' is not a layer of 'places.gpkg' (layers: places, roads)",
      "demo/project.yaml: layers[2] 'c' source: 'places.gpkg' has 2 layers (places, roads): name one with source.layer",
      "demo/project.yaml: layers[3] 'd' crs: the source 'nocrs.shp' has no CRS with an EPSG code: give one (crs: EPSG:nnnn)",
    ]);
  });

  it('reports fields that are not in the source, style fields not published, bad bands, scales, services, kinds', async () => {
    const lines = await problems(`
service: { crs: ['EPSG:4326', 'EPSG:999999'] }
layers:
  - name: places
    source: { path: places.gpkg, layer: places, subset: "pop >>> 3" }
    fields: [name, popp, { pop: Population }]
    idField: nope
    minScale: 5000
    maxScale: 100
    services: [WMS, WCS]
    styles:
      - { name: a, type: categorized, field: area, categories: [{ value: 1 }] }
      - { name: b, type: graduated, field: pop, classes: [{ min: 5, max: 1 }] }
      - { name: c, type: ramp, stops: [{ value: 0, color: red }] }
      - { name: a, labels: { field: nme } }
      - { name: d, type: categorized, field: pop, categories: [{ value: '12' }, { value: twelve }] }
      - { name: e, type: graduated, field: name, classes: [{ min: 0, max: 1 }] }
  - name: rgb
    source: rgb.tif
    fields: [x]
    styles:
      - { name: g, type: gray, band: 4 }
      - { name: r, type: ramp, stops: [{ value: 5, color: red }, { value: 1, color: blue }] }
      - { name: s, fill: red }
`);
    assert.deepEqual([...lines].sort(), [
      "demo/project.yaml: layers[0] 'places' fields[1]: 'popp' is not a field of the source (fields: name, pop, area, founded)",
      "demo/project.yaml: layers[0] 'places' idField: 'nope' is not a field of the source (fields: name, pop, area, founded)",
      "demo/project.yaml: layers[0] 'places' minScale: minScale (5000) must be less than maxScale (100): the layer is drawn when minScale <= scale < maxScale",
      "demo/project.yaml: layers[0] 'places' services[1]: WCS cannot publish a vector layer (allowed: WMS, WFS, OAPIF, WMTS)",
      "demo/project.yaml: layers[0] 'places' source.subset: 'pop >>> 3' is not a valid filter: near \">\": syntax error",
      "demo/project.yaml: layers[0] 'places' styles[0].field: 'area' is not a published field of the layer (fields: name, pop)",
      "demo/project.yaml: layers[0] 'places' styles[1].classes[0]: min (5) must be less than max (1)",
      "demo/project.yaml: layers[0] 'places' styles[2].type: 'ramp' is a raster style; this is a vector layer (use single, categorized, graduated or rules)",
      "demo/project.yaml: layers[0] 'places' styles[3].labels.field: 'nme' is not a published field of the layer (did you mean 'name'?)",
      "demo/project.yaml: layers[0] 'places' styles[3].name: style 'a' is defined twice",
      "demo/project.yaml: layers[0] 'places' styles[4].categories[1].value: 'twelve' can never match: the field is of type integer64",
      "demo/project.yaml: layers[0] 'places' styles[5].field: 'name' is of type string; graduated styles need a number field",
      "demo/project.yaml: layers[1] 'rgb' fields: applies to vector layers only; this is a raster layer",
      "demo/project.yaml: layers[1] 'rgb' styles[0].band: band 4 does not exist (the raster has 3 bands)",
      "demo/project.yaml: layers[1] 'rgb' styles[1].stops[1].value: stops must be in increasing order of value (1 follows 5)",
      "demo/project.yaml: layers[1] 'rgb' styles[2].type: is required for a raster style (use gray, rgb or ramp)",
      "demo/project.yaml: service.crs[1]: 'EPSG:999999' is not a CRS that PROJ knows",
    ].sort());
  });

  it('refuses a name used twice, by a layer and a group', async () => {
    const lines = await problems(`
layers:
  - name: places
    source: { path: places.gpkg, layer: places }
  - group: places
    layers:
      - { name: zones, source: zones.gpkg }
      - { name: zones, source: zones.gpkg }
`);
    assert.deepEqual(lines, [
      "demo/project.yaml: layers[1] group 'places' group: 'places' is already the name of layers[0]",
      "demo/project.yaml: layers[1].layers[1] 'zones' name: 'zones' is already the name of layers[1].layers[0]",
    ]);
  });

  it('checks rule filters and label expressions with the expression language', async () => {
    const lines = await problems(`
layers:
  - name: places
    source: { path: places.gpkg, layer: places }
    fields: [name, pop]
    style:
      type: rules
      rules:
        - { filter: '"pop" >', fill: red }
        - { filter: '"area" > 3', fill: red }
        - { filter: '"pop" > 3 AND "name" LIKE ''A%''', fill: red }
      labels: { expression: 'upper("nam")' }
`);
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.match(lines[0]!, /^demo\/project\.yaml: layers\[0\] 'places' style\.rules\[0\]\.filter: '"pop" >': Syntax error at position \d+/);
    assert.match(lines[1]!, /^demo\/project\.yaml: layers\[0\] 'places' style\.rules\[1\]\.filter: '"area" > 3': Unknown field at position 0/);
    assert.match(lines[2]!, /^demo\/project\.yaml: layers\[0\] 'places' style\.labels\.expression: 'upper\("nam"\)': Unknown field/);
  });

  it('names the file by its path relative to the working directory by default', async () => {
    const file = await data.project('layers: []\n', 'empty.yaml');
    await assert.rejects(loadProject(file), (err: ProjectError) => {
      assert.equal(err.problems[0], `${path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file)}: layers: must have at least 1 item`);
      return true;
    });
    await assert.rejects(loadProject(path.join(data.dir, 'missing.yaml')), /missing\.yaml: cannot be read \(ENOENT\)/);
  });
});

describe('loadProject: editable layers', () => {
  it('editable: true allows every edit, a list allows those listed, none by default', async () => {
    const p = await load(`
layers:
  - { name: all, source: { path: places.gpkg, layer: places }, editable: true }
  - { name: some, source: { path: places.gpkg, layer: roads }, editable: [insert, delete] }
  - { name: none, source: zones.gpkg }
  - { name: off, source: zones.gpkg, editable: false }
  - { name: empty, source: zones.gpkg, editable: [] }
`);
    const edits = (name: string) => (p.layers.get(name) as VectorLayerDef).editable;
    assert.deepEqual(edits('all'), { insert: true, update: true, delete: true });
    assert.deepEqual(edits('some'), { insert: true, update: false, delete: true });
    for (const name of ['none', 'off', 'empty']) assert.deepEqual(edits(name), { insert: false, update: false, delete: false }, name);
  });

  it('refuses unknown edits and misspelt keys (schema), then an editable source that cannot run transactions and an editable raster', async () => {
    const schema = await problems(`
layers:
  - { name: typo, source: zones.gpkg, editable: [insert, updat] }
  - { name: key, source: zones.gpkg, editabel: true }
  - { name: word, source: zones.gpkg, editable: yes }
`);
    assert.deepEqual([...schema].sort(), [
      "demo/project.yaml: layers[0] 'typo' editable[1]: 'updat' must be one of: insert, update, delete (did you mean 'update'?)",
      "demo/project.yaml: layers[1] 'key' editabel: unknown key (did you mean 'editable'?)",
      "demo/project.yaml: layers[2] 'word' editable: must be a list",
    ]);
    const data = await problems(`
layers:
  - { name: shp, source: nocrs.shp, crs: 'EPSG:32631', editable: true }
  - { name: dem, source: dem.tif, editable: [insert] }
  - { name: fine, source: zones.gpkg, editable: true }
`);
    assert.deepEqual(data, [
      "demo/project.yaml: layers[0] 'shp' editable: the source 'nocrs.shp' (ESRI Shapefile) cannot run transactions here; only GeoPackage and SQLite sources can be editable",
      "demo/project.yaml: layers[1] 'dem' editable: applies to vector layers only; this is a raster layer",
    ]);
  });

  it('refuses an editable file the server cannot write', async () => {
    const { copyFile, chmod } = await import('node:fs/promises');
    await copyFile(path.join(data.dir, 'zones.gpkg'), path.join(data.dir, 'readonly.gpkg'));
    await chmod(path.join(data.dir, 'readonly.gpkg'), 0o444);
    const yaml = 'layers:\n  - { name: ro, source: readonly.gpkg, editable: true }\n';
    const expected = ["demo/project.yaml: layers[0] 'ro' editable: 'readonly.gpkg' is not writable by the server"];
    if (process.getuid?.() !== 0) {
      assert.deepEqual(await problems(yaml), expected);
      return;
    }
    // Root may write anything: load the project in a child process running as nobody, as a server would run.
    const file = await data.project(yaml);
    await chmod(data.dir, 0o755);
    const { spawnSync } = await import('node:child_process');
    const loader = new URL('../../src/project/loader.js', import.meta.url).href;
    const script = `import(${JSON.stringify(loader)}).then((m) => m.loadProject(${JSON.stringify(file)}, { displayName: 'demo/project.yaml' }))`
      + '.then(() => console.log("[]"), (e) => console.log(JSON.stringify(e.problems ?? [String(e)])))';
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1)!), expected);
  });
});

describe('loadProject: OGC API Features keys', () => {
  it('temporal names a published date, date-time or text field; maxFeatures on a layer and on the service', async () => {
    const p = await load(`
service: { maxFeatures: 500 }
layers:
  - { name: places, source: { path: places.gpkg, layer: places }, temporal: { field: name }, maxFeatures: 20 }
  - { name: zones, source: zones.gpkg }
`);
    const places = p.layers.get('places') as VectorLayerDef;
    assert.deepEqual(places.temporal, { field: 'name' });
    assert.equal(places.maxFeatures, 20);
    assert.equal((p.layers.get('zones') as VectorLayerDef).temporal, undefined);
    assert.equal(p.service.maxFeatures, 500);
  });

  it('refuses a temporal field that is not published or holds no dates, and a maxFeatures under 1', async () => {
    assert.deepEqual(await problems(`
service: { maxFeatures: 0 }
layers:
  - { name: c, source: { path: places.gpkg, layer: places }, temporal: { fields: name } }
`), [
      'demo/project.yaml: service.maxFeatures: must be >= 1 (is 0)',
      "demo/project.yaml: layers[0] 'c' temporal.field: is required",
      "demo/project.yaml: layers[0] 'c' temporal.fields: unknown key (did you mean 'field'?)",
    ]);
    const found = await problems(`
layers:
  - { name: a, source: { path: places.gpkg, layer: places }, temporal: { field: nope } }
  - { name: b, source: { path: places.gpkg, layer: places }, temporal: { field: pop } }
`);
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0]!, /layers\[0\] 'a' temporal.field: 'nope' is not a published field of the layer/);
    assert.match(found[1]!, /layers\[1\] 'b' temporal.field: 'pop' \(integer\w*\) cannot be a temporal field/);
  });
});
