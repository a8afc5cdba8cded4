#!/usr/bin/env node
// Writes the bench's request lists: one query string per line (no path: run.sh prefixes each server's),
// the same lists for every server. Random but reproducible (a fixed seed).
//
//   node bench/urls.mjs OUTDIR [--seed N] [--count N]
//
// OUTDIR/getcapabilities.txt  one line: WMS 1.3.0 GetCapabilities
// OUTDIR/getmap.txt           256×256 PNG tiles of countries + cities in EPSG:3857, zoom 1..8, uniform
//                             over the zooms, then over the tiles of that zoom
// OUTDIR/getfeatureinfo.txt   GetFeatureInfo at a random pixel of such a tile, cities + countries,
//                             application/json, FEATURE_COUNT=5, 5 px point tolerance
// OUTDIR/countries.txt        one line: WFS 1.1.0 GetFeature of the whole countries layer as GeoJSON
//                             (OUTPUTFORMAT=application/json, which the three servers take; --bench wfs)
// and OUTDIR/warmup-*.txt: lists drawn with another seed, for the warm-up runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from './prng.mjs';

const args = process.argv.slice(2);
const outDir = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
if (!outDir) {
  console.error('usage: node bench/urls.mjs OUTDIR [--seed N] [--count N]');
  process.exit(2);
}
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seed = option('--seed', 20251121);
const count = option('--count', 5000);

const HALF = 20037508.342789244; // half the EPSG:3857 world width, metres

/** BBOX of web-mercator tile z/x/y (y from the top), minx,miny,maxx,maxy. */
function tileBbox(z, x, y) {
  const size = (2 * HALF) / 2 ** z;
  const minx = -HALF + x * size;
  const maxy = HALF - y * size;
  return [minx, maxy - size, minx + size, maxy].map((v) => v.toFixed(2)).join(',');
}

function randomTile(random) {
  const z = 1 + Math.floor(random() * 8);
  const n = 2 ** z;
  return tileBbox(z, Math.floor(random() * n), Math.floor(random() * n));
}

const COMMON = 'SERVICE=WMS&VERSION=1.3.0';
const LAYERS = 'countries,cities';

function lists(seed, n) {
  // One stream per list, so that a list does not depend on the length of the others.
  let random = prng(seed);
  const getmap = [];
  const gfi = [];
  for (let i = 0; i < n; i++) {
    getmap.push(
      `${COMMON}&REQUEST=GetMap&LAYERS=${LAYERS}&STYLES=&CRS=EPSG:3857&BBOX=${randomTile(random)}` +
        '&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE',
    );
  }
  random = prng(seed ^ 0x5bd1e995);
  for (let i = 0; i < n; i++) {
    const bbox = randomTile(random);
    const px = Math.floor(random() * 256);
    const py = Math.floor(random() * 256);
    gfi.push(
      `${COMMON}&REQUEST=GetFeatureInfo&LAYERS=${LAYERS}&QUERY_LAYERS=${LAYERS}&STYLES=&CRS=EPSG:3857` +
        `&BBOX=${bbox}&WIDTH=256&HEIGHT=256&I=${px}&J=${py}&INFO_FORMAT=application/json&FEATURE_COUNT=5` +
        '&FI_POINT_TOLERANCE=5&FI_POLYGON_TOLERANCE=0&WITH_GEOMETRY=FALSE',
    );
  }
  const countries = ['SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=countries&OUTPUTFORMAT=application%2Fjson'];
  return { getcapabilities: [`${COMMON}&REQUEST=GetCapabilities`], getmap, getfeatureinfo: gfi, countries };
}

mkdirSync(outDir, { recursive: true });
for (const [prefix, s] of [['', seed], ['warmup-', seed + 1]]) {
  for (const [name, list] of Object.entries(lists(s, count))) {
    writeFileSync(join(outDir, `${prefix}${name}.txt`), list.join('\n') + '\n');
  }
}
console.log(`wrote ${count} GetMap and GetFeatureInfo URLs (seed ${seed}) to ${outDir}`);
