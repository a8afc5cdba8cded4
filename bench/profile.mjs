#!/usr/bin/env node
// Summarises V8 CPU profiles (node --cpu-prof) of ows-server workers: where the main thread spends its
// time, by function (self time), by source file, and inclusive time of ows-server's own functions.
//
//   node bench/profile.mjs DIR_OR_FILE... [--top N]
//
// Typical use (one worker, GetMap at concurrency 8 for 20 s):
//   bench/run.sh --servers ows --workloads getmap --concurrency 8 --duration 20 --workers 1 \
//     --node-options "--cpu-prof --cpu-prof-dir=/tmp/prof" --out /tmp/prof-run
//   node bench/profile.mjs /tmp/prof
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
const inputs = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--top'));
const files = inputs.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(p, f))
    : [p],
);
if (!files.length) {
  console.error('usage: node bench/profile.mjs DIR_OR_FILE... [--top N]');
  process.exit(2);
}
const root = new URL('..', import.meta.url).pathname;

const self = new Map(); // "fn file:line" → µs
const byFile = new Map(); // file → µs (self)
const inclusive = new Map(); // ows-server function → µs (inclusive, counted once per stack)
let total = 0;
let idle = 0;

const where = (cf) => {
  let url = cf.url.replace(/^file:\/\//, '');
  if (url.startsWith(root)) url = relative(root, url);
  url = url.replace(/^.*node_modules\//, 'node_modules/');
  return url || (cf.functionName.startsWith('(') ? '' : '(native)');
};

for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  for (const [id, us] of dt) {
    const n = nodes.get(id);
    const cf = n.callFrame;
    total += us;
    if (cf.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const file = where(cf);
    const key = `${cf.functionName || '(anonymous)'}  ${file}${file && cf.lineNumber >= 0 ? ':' + (cf.lineNumber + 1) : ''}`;
    self.set(key, (self.get(key) ?? 0) + us);
    const group = file.startsWith('dist/src/') ? file.replace(/^dist\//, '') : file.startsWith('node_modules/')
      ? file.split('/').slice(0, file.startsWith('node_modules/@') ? 3 : 2).join('/') : file || cf.functionName;
    byFile.set(group, (byFile.get(group) ?? 0) + us);
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const f = nodes.get(p).callFrame;
      const w = where(f);
      if (!w.startsWith('dist/src/')) continue;
      const k = `${f.functionName || '(anonymous)'}  ${w.replace(/^dist\//, '')}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
}

const busy = total - idle;
const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const table = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${ms(us)} ${pct(us)}  ${k}`);
};
console.log(`${files.length} profile(s): ${(total / 1e6).toFixed(1)} s sampled, main thread busy ${(busy / 1e6).toFixed(1)} s ` +
  `(${((100 * busy) / total).toFixed(0)}%); percentages are of busy time`);
table('Self time by function', self, top);
table('Self time by source (ows-server files, packages, V8/native)', byFile, top);
table('Inclusive time of ows-server functions', inclusive, top);
