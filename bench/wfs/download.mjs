#!/usr/bin/env node
// The WFS bench's big downloads: GetFeature of a whole layer (default `points`, 1,000,000 features) from each
// server, in each format, with curl; run by bench/run.sh --bench wfs (workload `download`).
//
//   node bench/wfs/download.mjs --base http://127.0.0.1:PORT --servers ows,qgis,mapserver --pids-dir DIR
//        --out DIR [--nginx-pid PID] [--reps 3] [--formats geojson,gml3] [--layer points] [--data FILE]
//
// Per request: curl's time to first byte and total time (-w '%{time_starttransfer} %{time_total}
// %{size_download}'), the body streamed through a counter of features (every answer is checked: HTTP 200,
// the right number of features, a complete document), and the FastCGI workers' memory and CPU: VmRSS of
// each worker polled every 20 ms during the request (the peak of any one worker), VmHWM after it, and
// utime+stime spent; also the CPU used meanwhile by nginx, by the client (curl and the counter) and by
// every other process (the other load). One unmeasured warm-up request per server and format first (it also pages the
// file in); then --reps rounds, the servers interleaved within each round so that drifting machine load
// hits them alike. Writes OUT/runs/<server>-download-<format>.json and a few bytes of each answer to
// OUT/samples/<server>/; prints one line per request.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const base = opt('--base');
const servers = opt('--servers', 'ows,qgis,mapserver').split(',');
const pidsDir = opt('--pids-dir');
const nginxPid = Number(opt('--nginx-pid', 0)); // the master: its worker is a child process
const outDir = opt('--out');
const reps = Number(opt('--reps', 3));
const formats = opt('--formats', 'geojson,gml3').split(',');
const layer = opt('--layer', 'points');
const dataFile = opt('--data', join(HERE, 'data', 'points.gpkg'));
if (!base || !pidsDir || !outDir) {
  console.error('usage: node bench/wfs/download.mjs --base URL --servers LIST --pids-dir DIR --out DIR [--reps N] [--formats LIST]');
  process.exit(2);
}

// The same query for every server: QGIS Server takes application/json for GeoJSON (as does MapServer,
// whose OGR output format has that MIME type in bench/wfs/wfs.map) and the GML 3.1.1 MIME type at 1.1.0.
// gml32 (WFS 2.0.0) is not in QGIS Server 3.22.
const FORMATS = {
  geojson: { version: '1.1.0', outputFormat: 'application/json', servers: ['ows', 'qgis', 'mapserver'] },
  gml3: { version: '1.1.0', outputFormat: 'text/xml; subtype=gml/3.1.1', servers: ['ows', 'qgis', 'mapserver'] },
  gml32: { version: '2.0.0', outputFormat: 'application/gml+xml; version=3.2', servers: ['ows', 'mapserver'] },
};
const query = (f) =>
  `SERVICE=WFS&VERSION=${f.version}&REQUEST=GetFeature&${f.version === '2.0.0' ? 'TYPENAMES' : 'TYPENAME'}=${layer}` +
  `&OUTPUTFORMAT=${encodeURIComponent(f.outputFormat)}`;

/**
 * Features in a byte stream, found with Buffer.indexOf (memmem speed: the client must cost little next to
 * the server): GeoJSON features are the `"Feature"` strings (`"FeatureCollection"` does not contain one);
 * GML features the start tags `<prefix:LAYER` followed by a space, `>` or `/` (not the end tags `</prefix:LAYER>`).
 */
function featureCounter(format) {
  const needle = Buffer.from(format === 'geojson' ? '"Feature"' : `:${layer}`);
  const KEEP = 64; // longer than a needle and a tag prefix: a match cut by a chunk boundary is seen whole next time
  let carry = Buffer.alloc(0);
  let count = 0;
  const isFeature = format === 'geojson' ? () => true : (buf, at) => isStartTag(buf, at, needle.length);
  return {
    push(chunk) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let from = 0;
      let end = 0;
      for (let at; (at = buf.indexOf(needle, from)) >= 0; from = at + 1) {
        if (at + needle.length >= buf.length) break; // the byte after it is not here yet
        if (isFeature(buf, at)) {
          count++;
          end = at + needle.length;
        }
      }
      carry = Buffer.from(buf.subarray(Math.max(end, buf.length - KEEP)));
    },
    get count() {
      return count;
    },
  };
}

/** `<prefix:LAYER` then a space, `>` or `/`: the name at `at` (after `:`) ends, and a `<` without `/` opens it. */
function isStartTag(buf, at, length) {
  const next = buf[at + length];
  if (next !== 0x20 && next !== 0x3e && next !== 0x2f && next !== 0x0a && next !== 0x09) return false;
  let i = at - 1;
  while (i >= 0 && at - i < 40 && buf[i] !== 0x3c && buf[i] !== 0x20 && buf[i] !== 0x3e) i--;
  return i >= 0 && buf[i] === 0x3c && buf[i + 1] !== 0x2f;
}

function expectedFeatures() {
  const r = spawnSync('ogrinfo', ['-ro', '-so', dataFile, layer], { encoding: 'utf8' });
  const m = /Feature Count: (\d+)/.exec(r.stdout ?? '');
  if (!m) throw new Error(`cannot count the features of ${dataFile}: ${r.stderr}`);
  return Number(m[1]);
}

const pidsOf = (server) => readFileSync(join(pidsDir, `${server}.pids`), 'utf8').split('\n').filter(Boolean).map(Number);
function status(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}
function cpuTicks(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}
/** CPU ticks of nginx: the master and its worker(s). */
function nginxTicks() {
  if (!nginxPid) return 0;
  let children = [];
  try {
    children = readFileSync(`/proc/${nginxPid}/task/${nginxPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {}
  return [nginxPid, ...children].reduce((t, p) => t + cpuTicks(p), 0);
}

/** Busy jiffies of the whole machine (user, nice, system, irq, softirq, steal). */
function machineBusy() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return f[1] + f[2] + f[3] + f[6] + f[7] + f[8];
}
const TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const sumTicks = (pids) => pids.reduce((t, p) => t + cpuTicks(p), 0);
const maxOf = (pids, key) => Math.max(...pids.map((p) => status(p)[key])) / 1024;

/** CPU of the workers, nginx, the client (curl, watched, and this process) and the machine, and the workers'
 *  memory, over one request: VmRSS sampled every 20 ms. */
function meter(pids) {
  const t0 = { workers: sumTicks(pids), nginx: nginxTicks(), busy: machineBusy(), self: process.cpuUsage() };
  const rssBeforeMb = maxOf(pids, 'rss');
  let peakRssMb = rssBeforeMb;
  let curlPid = 0;
  let curlTicks = 0;
  const sample = () => {
    peakRssMb = Math.max(peakRssMb, maxOf(pids, 'rss'));
    if (curlPid) curlTicks = Math.max(curlTicks, cpuTicks(curlPid)); // last reading before it exits: ≤ 20 ms missed
  };
  const timer = setInterval(sample, 20);
  return {
    watch(pid) {
      curlPid = pid;
    },
    stop(seconds) {
      clearInterval(timer);
      sample();
      const self = process.cpuUsage(t0.self);
      const cpuS = (sumTicks(pids) - t0.workers) / TCK;
      const nginxS = (nginxTicks() - t0.nginx) / TCK;
      const clientS = curlTicks / TCK + (self.user + self.system) / 1e6;
      const secs = Math.max(0.001, seconds);
      return {
        peakRssMb, rssBeforeMb, hwmMb: maxOf(pids, 'hwm'), cpuS,
        // the rest of the machine, in cores: nginx, the client, every other process (the other load: above
        // ~0.25 cores the timings are noisy)
        nginxCores: nginxS / secs,
        clientCores: clientS / secs,
        otherCores: Math.max(0, (machineBusy() - t0.busy) / TCK - cpuS - nginxS - clientS) / secs,
      };
    },
  };
}

/** One GetFeature with curl; the body is counted as it arrives, the workers metered meanwhile. */
function download(server, format) {
  const url = query(FORMATS[format]);
  const m = meter(pidsOf(server));
  const counter = featureCounter(format);
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let stderr = '';
  const curl = spawn('curl', ['-sS', '--max-time', '900', '-o', '-', '-w',
    '%{stderr}%{http_code} %{time_starttransfer} %{time_total} %{size_download} %{content_type}\n', `${base}/${server}?${url}`]);
  m.watch(curl.pid);
  curl.stdout.on('data', (buf) => {
    counter.push(buf);
    if (head.length < 600) head = Buffer.concat([head, buf.subarray(0, 600 - head.length)]);
    tail = buf.length >= 300 ? Buffer.from(buf.subarray(-300)) : Buffer.concat([tail, buf]).subarray(-300);
  });
  curl.stderr.on('data', (b) => (stderr += b));
  return new Promise((resolve) => {
    curl.on('close', (code) => {
      const [http, ttfb, total, bytes, ...type] = (stderr.trim().split('\n').pop() ?? '').split(' ');
      resolve({
        url, curlExit: code, http: Number(http), ttfb: Number(ttfb), total: Number(total), bytes: Number(bytes),
        contentType: type.join(' '), features: counter.count, ...m.stop(Number(total)),
        head: head.toString('utf8'), tail: tail.toString('utf8'), stderr: code ? stderr.slice(0, 500) : '',
      });
    });
  });
}

function problemOf(r, format, expected) {
  if (r.curlExit) return `curl exit ${r.curlExit}: ${r.stderr}`;
  if (r.http !== 200) return `HTTP ${r.http}: ${r.head.slice(0, 300)}`;
  if (r.features !== expected) return `${r.features} features, expected ${expected}`;
  const end = r.tail.trimEnd();
  if (format === 'geojson' ? !end.endsWith('}') : !/<\/wfs:FeatureCollection>$/.test(end)) return `truncated answer: …${end.slice(-80)}`;
  return null;
}

const expected = expectedFeatures();
mkdirSync(join(outDir, 'runs'), { recursive: true });
const results = {};
const todo = formats.flatMap((format) => {
  if (!FORMATS[format]) throw new Error(`unknown format ${format} (${Object.keys(FORMATS).join(', ')})`);
  return servers.filter((s) => FORMATS[format].servers.includes(s)).map((server) => ({ server, format }));
});
for (const { server, format } of todo) results[`${server}-${format}`] = { server, workload: 'download', format, layer, expected, reps: [] };

const mb = (x) => `${x.toFixed(0)} MB`;
for (let round = 0; round <= reps; round++) {
  for (const { server, format } of todo) {
    const r = await download(server, format);
    r.problem = problemOf(r, format, expected);
    const entry = results[`${server}-${format}`];
    if (round === 0) {
      entry.warmup = r;
      const dir = join(outDir, 'samples', server);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `download-${format}.head.txt`), r.head);
      writeFileSync(join(dir, `download-${format}.tail.txt`), r.tail);
    } else entry.reps.push(r);
    delete r.head;
    delete r.tail;
    console.log(`${round ? `[${round}/${reps}]` : '[warm-up]'} ${server.padEnd(9)} ${format.padEnd(7)} ` +
      `first byte ${(r.ttfb * 1000).toFixed(0)} ms, total ${r.total.toFixed(2)} s, ${(r.bytes / 1e6).toFixed(1)} MB ` +
      `(${(r.bytes / 1e6 / r.total).toFixed(1)} MB/s), ${r.features} features, peak RSS ${mb(r.peakRssMb)} ` +
      `(before ${mb(r.rssBeforeMb)}, VmHWM ${mb(r.hwmMb)}), CPU ${r.cpuS.toFixed(2)} s; cores used by nginx ` +
      `${r.nginxCores.toFixed(2)}, client ${r.clientCores.toFixed(2)}, other load ${r.otherCores.toFixed(2)}` + (r.problem ? `  BAD: ${r.problem}` : ''));
    writeFileSync(join(outDir, 'runs', `${server}-download-${format}.json`), JSON.stringify(entry, null, 1) + '\n');
  }
}
