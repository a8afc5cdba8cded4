#!/usr/bin/env node
// Makes the results table (Markdown) of a bench run directory written by run.sh:
//   node bench/report.mjs bench/results/<run>
// reads machine.txt, check.json, runs/<server>-<workload>-c<N>.json (wrk) and runs/<server>-download-<format>.json
// (the WFS bench's whole-layer downloads, tabled by bench/wfs/report-downloads.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { downloadTables } from './wfs/report-downloads.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/report.mjs RESULTS_DIR');
  process.exit(2);
}
const WORKLOADS = ['getcapabilities', 'getmap', 'getfeatureinfo', 'countries'];
const NAMES = {
  getcapabilities: 'GetCapabilities', getmap: 'GetMap 256² PNG', getfeatureinfo: 'GetFeatureInfo',
  countries: 'WFS GetFeature countries GeoJSON',
};
const SERVER_NAMES = { ows: 'ows-server', qgis: 'QGIS Server', mapserver: 'MapServer' };
// The issues' targets: ows-server's req/s at least this many times QGIS Server's (GetMap: also a lower p99).
const TARGET = { getcapabilities: 1.5, getmap: 2, getfeatureinfo: 1.5, countries: 2 };
const ISSUE = { getcapabilities: 3, getmap: 3, getfeatureinfo: 3, countries: 4 };
const NOISY_CORES = 0.25; // other processes' average CPU during a run above which its numbers are preliminary

const check = existsSync(join(dir, 'check.json')) ? JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')) : {};
const allRuns = readdirSync(join(dir, 'runs'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, 'runs', f), 'utf8')));
const downloads = allRuns.filter((r) => r.workload === 'download');
const runs = allRuns.filter((r) => r.workload !== 'download');
const servers = [...new Set(runs.map((r) => r.server))].sort(
  (a, b) => Object.keys(SERVER_NAMES).indexOf(a) - Object.keys(SERVER_NAMES).indexOf(b),
);
const concs = [...new Set(runs.map((r) => r.concurrency))].sort((a, b) => a - b);
const find = (s, w, c) => runs.find((r) => r.server === s && r.workload === w && r.concurrency === c);

function facts(r) {
  const secs = r.duration_us / 1e6;
  const e = r.errors;
  const wrkErrors = e.status + e.connect + e.read + e.write + e.timeout;
  const checkFailed = check[r.server]?.[r.workload]?.failed ?? 0;
  const problems = [];
  if (wrkErrors) problems.push(`wrk errors ${JSON.stringify(e)}`);
  if (checkFailed) problems.push(`${checkFailed} bad answers in the check (${check[r.server][r.workload].firstFailure.problem.slice(0, 120).replace(/\s+/g, ' ')})`);
  if (r.requests === 0) problems.push('no requests completed');
  const other = r.cpu.other_s / secs;
  return {
    rps: r.requests / secs,
    p50: r.latency_us.p50 / 1000,
    p99: r.latency_us.p99 / 1000,
    cpuMs: (1000 * r.cpu.server_s) / Math.max(1, r.requests),
    other,
    rss: r.rss_mb,
    valid: problems.length === 0,
    problems,
    noisy: other > NOISY_CORES,
  };
}

const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const out = [];
const machine = existsSync(join(dir, 'machine.txt')) ? readFileSync(join(dir, 'machine.txt'), 'utf8').trim() : '';
const all = runs.map(facts);
const noisy = all.some((f) => f.noisy);
out.push(`### Results ${machine.match(/^date: (.*)$/m)?.[1] ?? ''}${noisy ? ' — PRELIMINARY (machine under other load)' : ''}`);
out.push('');
out.push('```');
out.push(machine);
out.push('```');
out.push('');
out.push(...downloadTables(downloads));
if (runs.length) wrkTables();
console.log(out.join('\n'));

function wrkTables() {
  out.push('req/s (p50 / p99 latency in ms) [server CPU ms per request]; "other load" is the average number of cores');
  out.push('used by processes outside the bench during the run (above ' + NOISY_CORES + ' the numbers are noisy).');
  out.push('');
  out.push(`| workload | conc. | ${servers.map((s) => SERVER_NAMES[s] ?? s).join(' | ')} | other load |`);
  out.push(`|---|---:|${servers.map(() => '---:|').join('')}---:|`);
  const invalid = [];
  for (const w of WORKLOADS) {
    for (const c of concs) {
      const cells = [];
      let other = 0;
      for (const s of servers) {
        const r = find(s, w, c);
        if (!r) {
          cells.push('—');
          continue;
        }
        const f = facts(r);
        other = Math.max(other, f.other);
        const mark = f.valid ? '' : ' **INVALID**';
        if (!f.valid) invalid.push(`${SERVER_NAMES[s] ?? s} ${NAMES[w]} c=${c}: ${f.problems.join('; ')}`);
        cells.push(`${fmt(f.rps, f.rps < 100 ? 1 : 0)} (${fmt(f.p50, 1)} / ${fmt(f.p99, 1)}) [${fmt(f.cpuMs, 2)}]${mark}`);
      }
      if (cells.every((x) => x === '—')) continue;
      out.push(`| ${NAMES[w]} | ${c} | ${cells.join(' | ')} | ${fmt(other, 2)} |`);
    }
  }
  out.push('');
  const sizes = WORKLOADS.filter((w) => servers.some((s) => check[s]?.[w]?.checked)).map((w) => {
    const each = servers.map((s) => {
      const c = check[s]?.[w];
      return `${SERVER_NAMES[s] ?? s} ${c?.checked ? fmt(c.bytes / c.checked / 1024, 1) : '—'}`;
    });
    return `${NAMES[w]}: ${each.join(', ')}`;
  });
  if (sizes.length) out.push(`Average answer size in the check, KiB: ${sizes.join('; ')}.`, '');

  if (servers.includes('ows') && servers.includes('qgis')) {
    const issues = [...new Set(WORKLOADS.filter((w) => runs.some((r) => r.workload === w)).map((w) => ISSUE[w]))];
    out.push(`Targets (issue ${issues.join(', ')}): ows-server against QGIS Server in the same run.`);
    out.push('');
    out.push('| workload | conc. | req/s ratio | target | p99 ows / QGIS (ms) | met? |');
    out.push('|---|---:|---:|---|---:|---|');
    for (const w of WORKLOADS) {
      for (const c of concs) {
        const a = find('ows', w, c);
        const b = find('qgis', w, c);
        if (!a || !b) continue;
        const fa = facts(a);
        const fb = facts(b);
        const ratio = fa.rps / fb.rps;
        const p99ok = w !== 'getmap' || fa.p99 < fb.p99;
        let met = ratio >= TARGET[w] && p99ok ? 'met' : 'not met';
        if (!fa.valid || !fb.valid) met = 'invalid run';
        else if (fa.noisy || fb.noisy) met += ' (preliminary)';
        const target = `≥ ${TARGET[w]}×${w === 'getmap' ? ', lower p99' : ''}`;
        out.push(`| ${NAMES[w]} | ${c} | ${fmt(ratio, 2)}× | ${target} | ${fmt(fa.p99, 1)} / ${fmt(fb.p99, 1)} | ${met} |`);
      }
    }
    out.push('');
  }
  if (invalid.length) {
    out.push('Invalid runs (errors: their numbers measure error answers, not maps):');
    for (const line of invalid) out.push(`- ${line}`);
    out.push('');
  }
  const rss = servers.map((s) => {
    const max = Math.max(...runs.filter((r) => r.server === s).map((r) => r.rss_mb));
    return `${SERVER_NAMES[s] ?? s} ${fmt(max)} MB`;
  });
  out.push(`Resident memory of the workers (sum, largest seen after a run): ${rss.join(', ')}.`);
}
