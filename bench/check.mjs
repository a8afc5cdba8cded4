#!/usr/bin/env node
// Checks that every server answers the bench's requests with what was asked for, before any load is run:
// a run that measures error pages is worthless. For a sample of each list, per server: HTTP 200, the
// right Content-Type, a 256×256 PNG for GetMap, parseable JSON with features for GetFeatureInfo, a WMS
// 1.3.0 capabilities document, the whole countries layer for the WFS countries list. Saves a few answers to OUT/samples/ to compare by eye, and writes
// OUT/check.json ({ server: { workload: { checked, failed, firstFailure } } }), read by report.mjs.
//
//   node bench/check.mjs --base http://127.0.0.1:PORT --urls DIR --out DIR --servers ows,qgis [--sample N]
//        [--workloads getcapabilities,getmap,getfeatureinfo]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const base = opt('--base');
const urlDir = opt('--urls');
const outDir = opt('--out');
const servers = opt('--servers', 'ows,qgis').split(',');
const sample = Number(opt('--sample', 60));
const workloads = opt('--workloads', 'getcapabilities,getmap,getfeatureinfo').split(',');
const COUNTRIES = join(dirname(fileURLToPath(import.meta.url)), '..', 'conf', 'demo', 'data', 'countries.gpkg');
const SAVE = 6; // answers saved per server and workload

const checks = {
  getcapabilities(res, body) {
    const type = res.headers.get('content-type') ?? '';
    if (!/xml/.test(type)) return `Content-Type ${type}`;
    const text = body.toString('utf8');
    if (!text.includes('<WMS_Capabilities')) return 'not a WMS 1.3.0 capabilities document';
    for (const name of ['countries', 'cities', 'coast_distance']) {
      if (!text.includes(`<Name>${name}</Name>`)) return `layer ${name} missing`;
    }
    return null;
  },
  getmap(res, body) {
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('image/png')) return `Content-Type ${type}: ${body.subarray(0, 200).toString()}`;
    if (body.readUInt32BE(0) !== 0x89504e47) return 'not a PNG';
    const w = body.readUInt32BE(16);
    const h = body.readUInt32BE(20);
    return w === 256 && h === 256 ? null : `PNG is ${w}×${h}`;
  },
  getfeatureinfo(res, body) {
    const type = res.headers.get('content-type') ?? '';
    if (!/json/.test(type)) return `Content-Type ${type}: ${body.subarray(0, 200).toString()}`;
    try {
      const doc = JSON.parse(body.toString('utf8'));
      if (!Array.isArray(doc.features)) return 'no "features" array';
    } catch (e) {
      return `bad JSON: ${e.message}`;
    }
    return null;
  },
  countries(res, body) {
    const type = res.headers.get('content-type') ?? '';
    if (!/json/.test(type)) return `Content-Type ${type}: ${body.subarray(0, 200).toString()}`;
    let doc;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return `bad JSON: ${e.message}`;
    }
    const n = doc.features?.length;
    if (n !== countryCount()) return `${n} features, expected ${countryCount()}`;
    const bad = doc.features.find((f) => f.type !== 'Feature' || !/Polygon$/.test(f.geometry?.type) || !f.properties?.name);
    return bad ? `bad feature ${JSON.stringify(bad).slice(0, 200)}` : null;
  },
};

let countries = null;
function countryCount() {
  if (countries !== null) return countries;
  const r = spawnSync('ogrinfo', ['-ro', '-so', COUNTRIES, 'countries'], { encoding: 'utf8' });
  countries = Number(/Feature Count: (\d+)/.exec(r.stdout ?? '')?.[1] ?? NaN);
  return countries;
}

const report = {};
let failures = 0;
for (const server of servers) {
  report[server] = {};
  for (const [workload, check] of Object.entries(checks).filter(([w]) => workloads.includes(w))) {
    const lines = readFileSync(join(urlDir, `${workload}.txt`), 'utf8').split('\n').filter(Boolean);
    const picked = lines.slice(0, sample);
    const result = { checked: 0, failed: 0, firstFailure: null, features: 0, bytes: 0 };
    const dir = join(outDir, 'samples', server);
    mkdirSync(dir, { recursive: true });
    for (const [i, query] of picked.entries()) {
      const url = `${base}/${server}?${query}`;
      let problem;
      let body = Buffer.alloc(0);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(30000) });
        body = Buffer.from(await res.arrayBuffer());
        problem = res.status !== 200 ? `HTTP ${res.status}: ${body.subarray(0, 300).toString()}` : check(res, body);
      } catch (e) {
        problem = `fetch failed: ${e.message}`;
      }
      result.checked++;
      result.bytes += body.length;
      if (/^(getfeatureinfo|countries)$/.test(workload) && !problem) result.features += JSON.parse(body.toString()).features.filter(Boolean).length;
      if (problem) {
        result.failed++;
        result.firstFailure ??= { url: query, problem };
      }
      if (i < SAVE) {
        const ext = workload === 'getmap' ? 'png' : /^(getfeatureinfo|countries)$/.test(workload) ? 'json' : 'xml';
        writeFileSync(join(dir, `${workload}-${i}.${ext}`), body);
      }
    }
    report[server][workload] = result;
    failures += result.failed;
    const note = result.failed ? `FAILED ${result.failed}: ${result.firstFailure.problem.slice(0, 200)}` : 'ok';
    const extra = /^(getfeatureinfo|countries)$/.test(workload) ? `, ${result.features} features` : '';
    console.log(`check ${server.padEnd(9)} ${workload.padEnd(15)} ${result.checked} answers, ` +
      `${Math.round(result.bytes / Math.max(1, result.checked))} B avg${extra}: ${note}`);
  }
}
writeFileSync(join(outDir, 'check.json'), JSON.stringify(report, null, 1) + '\n');
if (failures) console.log(`check: ${failures} bad answers — the runs of those servers/workloads are INVALID`);
