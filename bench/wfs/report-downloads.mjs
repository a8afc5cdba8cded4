// Tables of the WFS bench's whole-layer downloads (runs/<server>-download-<format>.json written by
// bench/wfs/download.mjs), for bench/report.mjs. Medians over the measured requests; the warm-up request
// is not in them.

const SERVER_NAMES = { ows: 'ows-server', qgis: 'QGIS Server', mapserver: 'MapServer' };
const FORMAT_NAMES = {
  geojson: 'GeoJSON (WFS 1.1.0, OUTPUTFORMAT=application/json)',
  gml3: 'GML 3.1.1 (WFS 1.1.0, OUTPUTFORMAT=text/xml; subtype=gml/3.1.1)',
  gml32: 'GML 3.2 (WFS 2.0.0, OUTPUTFORMAT=application/gml+xml; version=3.2)',
};
// Issue 4's targets for ows-server, in the same run.
const TARGET = { ttfbMs: 100, rssMb: 200, totalVsFasterPeer: 0.5 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN;
};
const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '—');

function facts(entry) {
  const reps = entry.reps;
  const problems = [entry.warmup, ...reps].filter((r) => r?.problem).map((r) => r.problem);
  return {
    ttfbMs: median(reps.map((r) => r.ttfb * 1000)),
    total: median(reps.map((r) => r.total)),
    mb: median(reps.map((r) => r.bytes / 1e6)),
    mbps: median(reps.map((r) => r.bytes / 1e6 / r.total)),
    // the largest of the run, not a median: the target is a ceiling
    rss: Math.max(...reps.map((r) => r.peakRssMb)),
    before: Math.min(...reps.map((r) => r.rssBeforeMb)),
    hwm: Math.max(...reps.map((r) => r.hwmMb)),
    cpu: median(reps.map((r) => r.cpuS)),
    nginx: median(reps.map((r) => r.nginxCores)),
    client: median(reps.map((r) => r.clientCores)),
    other: median(reps.map((r) => r.otherCores)),
    features: reps[0]?.features,
    n: reps.length,
    problems,
  };
}

/** Markdown lines: one table of every server and format, then ows-server's targets. */
export function downloadTables(entries) {
  if (!entries.length) return [];
  const out = [];
  const servers = Object.keys(SERVER_NAMES).filter((s) => entries.some((e) => e.server === s));
  const formats = Object.keys(FORMAT_NAMES).filter((f) => entries.some((e) => e.format === f));
  const find = (s, f) => entries.find((e) => e.server === s && e.format === f);
  const { layer, expected } = entries[0];
  out.push(`Whole-layer GetFeature of \`${layer}\` (${expected.toLocaleString('en')} features), one request at a time with curl, ` +
    `median of ${entries[0].reps.length} (after one warm-up request): time to first byte, total time, size, throughput, ` +
    'CPU time of the worker; cores used meanwhile by nginx, by the client (curl and the feature counter) and by ' +
    'every other process (other load: above 0.25 the timings are noisy); peak RSS = largest VmRSS of a worker polled every 20 ms during the requests, ' +
    'with the smallest seen just before one in brackets (VmHWM: the workers\' lifetime high-water mark, after the requests).');
  out.push('');
  out.push('| format | server | first byte (ms) | total (s) | MB | MB/s | CPU (s) | nginx / client / other load (cores) | peak RSS (before) (MB) | VmHWM (MB) | features |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const invalid = [];
  for (const f of formats) {
    for (const s of servers) {
      const e = find(s, f);
      if (!e) continue;
      const x = facts(e);
      if (x.problems.length) invalid.push(`${SERVER_NAMES[s]} ${f}: ${x.problems[0]}`);
      const ok = x.problems.length ? '**INVALID**' : `${x.features.toLocaleString('en')} ✓`;
      out.push(`| ${f} | ${SERVER_NAMES[s]} | ${fmt(x.ttfbMs)} | ${fmt(x.total, 2)} | ${fmt(x.mb, 1)} | ${fmt(x.mbps, 1)} | ` +
        `${fmt(x.cpu, 2)} | ${fmt(x.nginx, 2)} / ${fmt(x.client, 2)} / ${fmt(x.other, 2)} | ${fmt(x.rss)} (${fmt(x.before)}) | ${fmt(x.hwm)} | ${ok} |`);
    }
  }
  out.push('');
  out.push(...formats.map((f) => `- ${f}: ${FORMAT_NAMES[f]}`));
  out.push('');
  if (invalid.length) {
    out.push('Invalid downloads (wrong status, feature count or a truncated document):');
    out.push(...invalid.map((l) => `- ${l}`));
    out.push('');
  }
  if (servers.includes('ows') && servers.length > 1) out.push(...targetTable(formats, servers, find), '');
  return out;
}

function targetTable(formats, servers, find) {
  const out = ['Targets (issue 4): ows-server in the same run.', ''];
  out.push('| format | first byte < 100 ms | peak RSS < 200 MB | total ≤ ½ the faster peer\'s |');
  out.push('|---|---|---|---|');
  const mark = (ok) => (ok ? 'met' : '**not met**');
  for (const f of formats) {
    const ows = find('ows', f);
    if (!ows) continue;
    const x = facts(ows);
    if (x.problems.length) {
      out.push(`| ${f} | invalid run | invalid run | invalid run |`);
      continue;
    }
    const peers = servers.filter((s) => s !== 'ows' && find(s, f) && !facts(find(s, f)).problems.length)
      .map((s) => ({ s, total: facts(find(s, f)).total }))
      .sort((a, b) => a.total - b.total);
    const best = peers[0];
    const vsPeer = best
      ? `${mark(x.total <= TARGET.totalVsFasterPeer * best.total)}: ${fmt(x.total, 2)} s vs ${SERVER_NAMES[best.s]} ${fmt(best.total, 2)} s (${fmt(x.total / best.total, 2)}×)`
      : 'no valid peer';
    out.push(`| ${f} | ${mark(x.ttfbMs < TARGET.ttfbMs)}: ${fmt(x.ttfbMs)} ms | ${mark(x.rss < TARGET.rssMb)}: ${fmt(x.rss)} MB | ${vsPeer} |`);
  }
  return out;
}
