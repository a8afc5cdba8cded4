#!/usr/bin/env node
// Builds the WFS bench's big layer: bench/wfs/data/points.gpkg, layer `points`, N points (default 1,000,000)
// in EPSG:4326 with the fields id (integer), name (text), population (integer) and elevation (real).
// Seeded: every run writes the same features. Idempotent: nothing is done when the file exists and its
// stamp (points.gpkg.json) matches the options; the file is built under another name then renamed, so an
// interrupted build leaves no half-written layer.
//
//   node bench/wfs/make-data.mjs [--count N] [--seed N] [--out FILE]
//
// How: the features are written as CSV (+ .csvt for the field types) to a temporary directory, then
// ogr2ogr makes the GeoPackage (one transaction per 100,000 rows, no fsync): a few seconds for 1M points.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../prng.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const count = Number(option('--count', 1_000_000));
const seed = Number(option('--seed', 20261121));
const out = resolve(option('--out', join(HERE, 'data', 'points.gpkg')));
const VERSION = 1; // bump when the generated content changes
const stamp = { version: VERSION, count, seed };
const stampFile = `${out}.json`;

// Names from syllables; a few carry characters that XML and JSON writers must escape, or non-ASCII letters.
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'ten', 'vil', 'dor', 'sa', 'bu', 'nè', 'ø', 'qu', 'zen', 'ha', 'ri', 'ost'];
const SUFFIXES = ['', '', '', '', ' City', ' Falls', ' & Sons', ' <North>', ' "Old"', " d'Été"];

function featureRow(id, rand) {
  const syllables = 2 + Math.floor(rand() * 3);
  let name = '';
  for (let i = 0; i < syllables; i++) name += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
  name = name[0].toUpperCase() + name.slice(1) + SUFFIXES[Math.floor(rand() * SUFFIXES.length)];
  // Coordinates rounded to 6 decimals (~0.1 m, GPS-like), so that every server writes the same digits.
  const lon = (rand() * 360 - 180).toFixed(6);
  const lat = (Math.asin(rand() * 2 - 1) * (180 / Math.PI) * (170 / 180)).toFixed(6); // uniform on the sphere, |lat| ≤ 85
  const population = Math.floor(Math.exp(rand() * Math.log(2e7)));
  const elevation = (rand() * 4000 - 200).toFixed(1);
  return `${id},"${name.replaceAll('"', '""')}",${population},${elevation},${lon},${lat}\n`;
}

async function writeCsv(file) {
  const rand = prng(seed);
  const stream = createWriteStream(file);
  stream.write('id,name,population,elevation,lon,lat\n');
  let chunk = '';
  for (let id = 1; id <= count; id++) {
    chunk += featureRow(id, rand);
    if (chunk.length > 1 << 20 || id === count) {
      if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
      chunk = '';
    }
  }
  await new Promise((r, j) => stream.end((e) => (e ? j(e) : r())));
  writeFileSync(file.replace(/\.csv$/, '.csvt'), 'Integer,String,Integer,Real,CoordX,CoordY\n');
}

function buildGpkg(csv, target) {
  const r = spawnSync('ogr2ogr', [
    '-f', 'GPKG', target, csv, '-nln', 'points', '-a_srs', 'EPSG:4326',
    '-oo', 'X_POSSIBLE_NAMES=lon', '-oo', 'Y_POSSIBLE_NAMES=lat', '-oo', 'KEEP_GEOM_COLUMNS=NO',
    '-lco', 'FID=fid', '-lco', 'GEOMETRY_NAME=geom', '-lco', 'SPATIAL_INDEX=YES', '-gt', '100000',
    '--config', 'OGR_SQLITE_SYNCHRONOUS', 'OFF', '--config', 'OGR_SQLITE_CACHE', '512',
  ], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`ogr2ogr failed (${r.status ?? r.signal})`);
}

const current = existsSync(out) && existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (current === JSON.stringify(stamp)) {
  console.log(`${out}: up to date (${count} points, seed ${seed})`);
  process.exit(0);
}
const started = Date.now();
mkdirSync(dirname(out), { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'ows-bench-data-'));
try {
  const csv = join(tmp, 'points.csv');
  await writeCsv(csv);
  const partial = `${out}.partial.gpkg`;
  rmSync(partial, { force: true });
  buildGpkg(csv, partial);
  rmSync(stampFile, { force: true });
  renameSync(partial, out);
  writeFileSync(stampFile, `${JSON.stringify(stamp)}\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${out}: ${count} points in ${((Date.now() - started) / 1000).toFixed(1)} s`);
