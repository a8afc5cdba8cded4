#!/usr/bin/env bash
# WMS and WFS benchmarks: ows-server (bin/ows-fcgi) against QGIS Server (qgis_mapserv.fcgi) and, when
# installed, MapServer (mapserv as FastCGI), all behind ONE nginx on loopback, the same number of FastCGI
# worker processes each, the same request lists. See bench/README.md.
#
#   bench/run.sh [options]
#     --bench wms|wfs      which bench (default: wms). wms: the demo project (conf/demo/project.yaml,
#                          bench/qgis/demo.qgs, bench/mapserver/demo.map); wfs: bench/wfs/project.yaml,
#                          bench/wfs/wfs.qgs, bench/wfs/wfs.map (1,000,000 points + the countries)
#     --servers LIST       comma-separated, of ows, qgis, mapserver   (default: ows,qgis[,mapserver])
#     --workloads LIST     wms: of getcapabilities, getmap, getfeatureinfo (default: all three);
#                          wfs: of download, countries (default: both). download = GetFeature of the
#                          whole points layer with curl (bench/wfs/download.mjs), countries = the whole
#                          countries layer as GeoJSON under wrk
#     --reps N             wfs download: measured requests per server and format (default: 3)
#     --formats LIST       wfs download: of geojson, gml3, gml32 (default: geojson,gml3)
#     --ows-env "K=V …"    extra environment of the ows-server workers, e.g. "OWS_DATA_SNAPSHOT=0"
#     --concurrency LIST   wrk connections, comma-separated           (default: 1,8)
#     --duration S         seconds measured per run                    (default: 25)
#     --warmup S           seconds of warm-up before each run          (default: 10)
#     --workers N          FastCGI worker processes per server         (default: 2)
#     --count N            URLs per list                               (default: 5000)
#     --keep-conn LIST     servers behind `fastcgi_keep_conn on` + upstream keepalive (default: ows);
#                          the others get one FastCGI connection per request (see README: libfcgi
#                          servers stall queued connections when nginx keeps connections open)
#     --split LIST         servers whose workers get one socket each, balanced by nginx (least_conn)
#                          (default: ows); the others' workers share one socket
#     --node-options OPTS  extra node options for the ows-server workers (OWS_NODE_FLAGS), e.g. profiling:
#                          "--cpu-prof --cpu-prof-dir=/tmp/prof" (then: node bench/profile.mjs /tmp/prof)
#     --out DIR            results directory            (default: bench/results/<date-time>)
#     --serve [S]          start the servers, print their URLs, and wait S seconds (default 600) or
#                          Ctrl-C: for looking at maps by hand; no load is run
#
# Needs: nginx, spawn-fcgi, wrk, curl, node; qgis-server (Debian: qgis-server, python3-qgis for the
# project); cgi-mapserver for MapServer. ows-server must be built (dist/). Everything runs on 127.0.0.1
# and in a temporary directory; every process started here is stopped and the directory removed on
# exit, error or Ctrl-C.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SERVERS=''
WORKLOADS=''
CONCURRENCY='1,8'
DURATION=25
WARMUP=10
WORKERS=2
COUNT=5000
OUT=''
SERVE=''
KEEP_CONN=ows
SPLIT=ows
NODE_OPTS=''
BENCH=wms
REPS=3
FORMATS=geojson,gml3
OWS_ENV=''

while (($#)); do
  case "$1" in
    --servers) SERVERS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --keep-conn) KEEP_CONN=$2; shift 2 ;;
    --split) SPLIT=$2; shift 2 ;;
    --node-options) NODE_OPTS=$2; shift 2 ;;
    --bench) BENCH=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --formats) FORMATS=$2; shift 2 ;;
    --ows-env) OWS_ENV=$2; shift 2 ;;
    --serve) if [[ ${2:-} =~ ^[0-9]+$ ]]; then SERVE=$2; shift 2; else SERVE=600; shift; fi ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

case $BENCH in
  wms) OWS_PROJECT=$ROOT/conf/demo/project.yaml
       QGIS_PROJECT=$HERE/qgis/demo.qgs
       QGIS_MAKE=bench/qgis/make-project.py
       MAPFILE=$HERE/mapserver/demo.map
       WORKLOADS=${WORKLOADS:-getcapabilities,getmap,getfeatureinfo} ;;
  wfs) OWS_PROJECT=$HERE/wfs/project.yaml
       QGIS_PROJECT=$HERE/wfs/wfs.qgs
       QGIS_MAKE=bench/wfs/make-project.py
       MAPFILE=$HERE/wfs/wfs.map
       WORKLOADS=${WORKLOADS:-download,countries} ;;
  *) echo "run.sh: --bench is wms or wfs" >&2; exit 2 ;;
esac
QGIS_BIN=/usr/lib/cgi-bin/qgis_mapserv.fcgi
MAPSERV_BIN=/usr/lib/cgi-bin/mapserv
if [[ -z $SERVERS ]]; then
  SERVERS=ows,qgis
  [[ -x $MAPSERV_BIN && -f $MAPFILE ]] && SERVERS=$SERVERS,mapserver
fi
IFS=, read -r -a SERVER_LIST <<<"$SERVERS"
IFS=, read -r -a WORKLOAD_LIST <<<"$WORKLOADS"
IFS=, read -r -a CONC_LIST <<<"$CONCURRENCY"
IFS=, read -r -a KEEP_LIST <<<"$KEEP_CONN"
IFS=, read -r -a SPLIT_LIST <<<"$SPLIT"
splits() { local x; for x in "${SPLIT_LIST[@]}"; do [[ $x == "$1" || $x == all ]] && return 0; done; return 1; }
keeps() { local x; for x in "${KEEP_LIST[@]}"; do [[ $x == "$1" || $x == all ]] && return 0; done; return 1; }

die() { echo "run.sh: $*" >&2; exit 1; }
has() { local x; for x in "${SERVER_LIST[@]}"; do [[ $x == "$1" ]] && return 0; done; return 1; }
for cmd in nginx spawn-fcgi wrk curl node /usr/bin/time; do command -v "$cmd" >/dev/null || die "$cmd is not installed"; done
for s in "${SERVER_LIST[@]}"; do
  case $s in
    ows) [[ -f $ROOT/dist/src/bin/ows-fcgi.js ]] || die "ows-server is not built (npm run build)"
         [[ -f $ROOT/conf/demo/data/cities.gpkg ]] || die "demo data missing (node scripts/build-demo-data.mjs)" ;;
    qgis) [[ -x $QGIS_BIN ]] || die "qgis-server is not installed ($QGIS_BIN)"
          [[ -f $QGIS_PROJECT ]] || die "$QGIS_PROJECT missing: QT_QPA_PLATFORM=offscreen /usr/bin/python3 $QGIS_MAKE" ;;
    mapserver) [[ -x $MAPSERV_BIN ]] || die "cgi-mapserver is not installed ($MAPSERV_BIN)"
               [[ -f $MAPFILE ]] || die "$MAPFILE missing" ;;
    *) die "unknown server $s (ows, qgis, mapserver)" ;;
  esac
done
# the WFS bench's million points: built once (seconds), then reused (the script is idempotent)
[[ $BENCH == wfs ]] && { node "$HERE/wfs/make-data.mjs" || die "cannot build bench/wfs/data/points.gpkg"; }

TMP=$(mktemp -d /tmp/ows-bench.XXXXXX)
NGINX_PID=''
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pids=() p
  [[ -n $NGINX_PID ]] && pids+=("$NGINX_PID")
  for f in "$TMP"/*.pids; do [[ -f $f ]] && while read -r p; do [[ -n $p ]] && pids+=("$p"); done <"$f"; done
  if ((${#pids[@]})); then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      local alive=0
      for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      ((alive)) || break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo; echo "run.sh: interrupted, cleaning up" >&2; exit 130' INT TERM

PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
BASE=http://127.0.0.1:$PORT

# --- FastCGI workers, started by spawn-fcgi, which reports their PIDs --------------------------------------
# A server in SPLIT gets one socket per worker (nginx balances requests over them with least_conn);
# the others share one socket: -F N workers accept from one listening socket, the kernel's queue.
spawn() { # name, then the command with an absolute path (spawn-fcgi does not search PATH)
  local name=$1 i n=1 forks=$WORKERS sock; shift
  if splits "$name"; then n=$WORKERS; forks=1; fi
  : >"$TMP/$name.pids"
  : >"$TMP/$name.socks"
  for ((i = 1; i <= n; i++)); do
    sock=$TMP/$name.sock
    ((n > 1)) && sock=$TMP/$name-$i.sock
    spawn-fcgi -s "$sock" -M 0600 -F "$forks" -- "$@" >"$TMP/$name.spawn" 2>>"$TMP/$name.log" \
      || { cat "$TMP/$name.spawn" "$TMP/$name.log" >&2; die "cannot start $name"; }
    sed -n 's/.*PID: \([0-9]*\).*/\1/p' "$TMP/$name.spawn" >>"$TMP/$name.pids"
    echo "$sock" >>"$TMP/$name.socks"
  done
  (($(wc -l <"$TMP/$name.pids") == WORKERS)) || die "$name: expected $WORKERS worker PIDs, got: $(tr '\n' ' ' <"$TMP/$name.pids")"
}
NODE=$(command -v node)
# shellcheck disable=SC2086 # OWS_ENV and NODE_OPTS are lists of words
# bin/ows-fcgi run as the shell script it also is, as deployed (node flags: OWS_NODE_FLAGS in --ows-env, one
# word, or --node-options, which become OWS_NODE_FLAGS: NODE_OPTIONS refuses --cpu-prof).
has ows && spawn ows /usr/bin/env OWS_PROJECT_FILE="$OWS_PROJECT" OWS_LOG_LEVEL=warn OWS_SHUTDOWN_TIMEOUT=2000 \
  OWS_NODE="$NODE" OWS_NODE_FLAGS="$NODE_OPTS" $OWS_ENV /bin/sh "$ROOT/bin/ows-fcgi"
has qgis && spawn qgis /usr/bin/env QT_QPA_PLATFORM=offscreen QGIS_SERVER_LOG_LEVEL=2 QGIS_SERVER_LOG_STDERR=1 \
  QGIS_PROJECT_FILE="$QGIS_PROJECT" HOME="$TMP" XDG_RUNTIME_DIR="$TMP" TMPDIR="$TMP" "$QGIS_BIN"
if has mapserver; then
  printf 'CONFIG\n  ENV\n    MS_MAP_PATTERN "^%s$"\n    MS_MAPFILE "%s"\n  END\nEND\n' "$MAPFILE" "$MAPFILE" >"$TMP/mapserver.conf"
  spawn mapserver /usr/bin/env MAPSERVER_CONFIG_FILE="$TMP/mapserver.conf" MS_MAPFILE="$MAPFILE" "$MAPSERV_BIN"
fi

# --- nginx: one worker, one upstream per server, FastCGI keep-alive connections -------------------------
mkdir -p "$TMP/nginx"
{
  cat <<EOF
daemon off;
worker_processes 1;
$( ((EUID == 0)) && echo 'user root;  # run as root: the worker must reach the sockets in the 0700 temp dir' )
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  proxy_temp_path $TMP/nginx/proxy;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  fastcgi_buffers 64 16k;
  fastcgi_read_timeout 900s;  # the WFS bench's whole-layer downloads
EOF
  for s in "${SERVER_LIST[@]}"; do
    printf '  upstream %s {\n' "$s"
    (($(wc -l <"$TMP/$s.socks") > 1)) && printf '    least_conn;\n'
    while read -r sock; do printf '    server unix:%s;\n' "$sock"; done <"$TMP/$s.socks"
    keeps "$s" && printf '    keepalive 16;\n'
    printf '  }\n'
  done
  printf '  server {\n    listen 127.0.0.1:%d;\n    server_name localhost;\n' "$PORT"
  for s in "${SERVER_LIST[@]}"; do
    cat <<EOF
    location = /$s {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_NAME /$s;
      # libfcgi servers take their environment from the request: QGIS makes a temporary directory
      # per GetMap in \$TMPDIR, which must be ours to be removed with it
      fastcgi_param TMPDIR $TMP;
      fastcgi_pass $s;
      fastcgi_keep_conn $(keeps "$s" && echo on || echo off);
    }
EOF
  done
  printf '  }\n}\n'
} >"$TMP/nginx/nginx.conf"
nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
NGINX_PID=$!

# --- wait until every server answers GetCapabilities (the first request loads the project) -------------
# The service benched: a WFS bench never sends a WMS request (ows-server starts its PNG encoder threads on the
# first WMS request, which a WFS-only worker does not carry).
READY_QUERY='SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities'
[[ $BENCH == wfs ]] && READY_QUERY='SERVICE=WFS&VERSION=1.1.0&REQUEST=GetCapabilities'
for s in "${SERVER_LIST[@]}"; do
  ok=0
  for _ in $(seq 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$BASE/$s?$READY_QUERY" || true)
    [[ $code == 200 ]] && { ok=1; break; }
    sleep 0.5
  done
  ((ok)) || { tail -20 "$TMP/$s.log" >&2 || true; die "$s does not answer GetCapabilities (HTTP $code)"; }
done
echo "servers up on $BASE: $(printf '/%s ' "${SERVER_LIST[@]}")"

if [[ -n $SERVE ]]; then
  echo "serving for $SERVE s (Ctrl-C stops), e.g. $BASE/${SERVER_LIST[0]}?SERVICE=WMS&REQUEST=GetCapabilities"
  echo "logs in $TMP/*.log"
  sleep "$SERVE" &
  wait $! || true
  exit 0
fi

# --- the request lists, and a check of each server's answers to a sample of them -----------------------
OUT=${OUT:-$HERE/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/runs"
node "$HERE/urls.mjs" "$TMP/urls" --count "$COUNT"
WRK_WORKLOADS=$(tr ',' '\n' <<<"$WORKLOADS" | grep -vx download | paste -sd, || true)
[[ -n $WRK_WORKLOADS ]] && node "$HERE/check.mjs" --base "$BASE" --urls "$TMP/urls" --out "$OUT" --servers "$SERVERS" --workloads "$WRK_WORKLOADS"

# --- machine and versions -------------------------------------------------------------------------------
{
  echo "date: $(date -Iseconds)"
  echo "cpu: $(nproc) × $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "memory: $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "node: $(node --version)"
  echo "gdal: $(gdal-config --version 2>/dev/null || gdalinfo --version)"
  echo "ows-server: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'), dist/ built $(date -u -d "@$(find "$ROOT/dist/src" -name '*.js' -printf '%T@\n' 2>/dev/null | sort -n | tail -1 | cut -d. -f1)" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?')"
  echo "qgis-server: $(dpkg-query -W -f '${Version}' qgis-server 2>/dev/null || echo '?')"
  echo "mapserver: $(dpkg-query -W -f '${Version}' cgi-mapserver 2>/dev/null || echo '?')"
  echo "nginx: $(nginx -v 2>&1 | sed 's/.*\///')"
  echo "wrk: $(dpkg-query -W -f '${Version}' wrk 2>/dev/null || echo '?')"
  echo "fastcgi_keep_conn on + upstream keepalive for: $KEEP_CONN (others: one connection per request)"
  echo "one socket per worker (nginx least_conn) for: $SPLIT (others: workers share one socket)"
  echo "workers: $WORKERS per server; duration ${DURATION}s, warm-up ${WARMUP}s, concurrency $CONCURRENCY"
  [[ -n $OWS_ENV ]] && echo "ows-server environment: $OWS_ENV"
  echo "command: bench/run.sh --bench $BENCH --servers $SERVERS --workloads $WORKLOADS --concurrency $CONCURRENCY --duration $DURATION --warmup $WARMUP --workers $WORKERS --count $COUNT --keep-conn $KEEP_CONN --split $SPLIT$([[ $BENCH == wfs ]] && echo " --reps $REPS --formats $FORMATS")$([[ -n $OWS_ENV ]] && echo " --ows-env '$OWS_ENV'")"
} >"$OUT/machine.txt"

# --- CPU accounting: jiffies of our processes, and of the whole machine ---------------------------------
TCK=$(getconf CLK_TCK)
pids_of() { cat "$TMP/$1.pids"; }
# nginx's CPU is its worker's (a child of the master started here)
mapfile -t NGINX_PIDS < <(echo "$NGINX_PID"; tr ' ' '\n' <"/proc/$NGINX_PID/task/$NGINX_PID/children" | grep .)
ALL_PIDS=("${NGINX_PIDS[@]}")
for s in "${SERVER_LIST[@]}"; do mapfile -t -O "${#ALL_PIDS[@]}" ALL_PIDS < <(pids_of "$s"); done
jiffies() { # sum of utime+stime of the given PIDs
  local t=0 p v
  for p in "$@"; do v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); t=$((t + v)); done
  echo "$t"
}
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
rss_kb() { local t=0 p v; for p in "$@"; do v=$(awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0); t=$((t + v)); done; echo "$t"; }

run_wrk() { # server workload list conc duration outjson rawtxt
  local threads=$(($4 < 2 ? $4 : 2))
  BENCH_LIST=$3 BENCH_PREFIX=/$1 BENCH_OUT=$6 /usr/bin/time -f '%U %S' -o "$TMP/wrk.time" \
    wrk -t"$threads" -c"$4" -d"$5"s --timeout 10s --latency -s "$HERE/wrk.lua" "$BASE" >"$7" 2>&1
}

wrk_count=$(tr ',' '\n' <<<"$WRK_WORKLOADS" | grep -c . || true)
total=$((wrk_count * ${#CONC_LIST[@]} * ${#SERVER_LIST[@]}))
n=0
for w in "${WORKLOAD_LIST[@]}"; do
  if [[ $w == download ]]; then # not a wrk load: whole-layer GetFeatures, one at a time, with curl
    node "$HERE/wfs/download.mjs" --base "$BASE" --servers "$SERVERS" --pids-dir "$TMP" --out "$OUT" \
      --nginx-pid "$NGINX_PID" --reps "$REPS" --formats "$FORMATS"
    continue
  fi
  for c in "${CONC_LIST[@]}"; do
    for s in "${SERVER_LIST[@]}"; do # servers interleaved per workload: drifting load hits them alike
      n=$((n + 1))
      printf '[%d/%d] %-10s %-16s c=%-3s ' "$n" "$total" "$s" "$w" "$c"
      run_wrk "$s" "$w" "$TMP/urls/warmup-$w.txt" "$c" "$WARMUP" /dev/null /dev/null
      mapfile -t spids < <(pids_of "$s")
      b0=$(busy); a0=$(jiffies "${ALL_PIDS[@]}"); s0=$(jiffies "${spids[@]}"); n0=$(jiffies "${NGINX_PIDS[@]}")
      run_wrk "$s" "$w" "$TMP/urls/$w.txt" "$c" "$DURATION" "$OUT/runs/$s-$w-c$c.wrk.json" "$OUT/runs/$s-$w-c$c.txt"
      b1=$(busy); a1=$(jiffies "${ALL_PIDS[@]}"); s1=$(jiffies "${spids[@]}"); n1=$(jiffies "${NGINX_PIDS[@]}")
      read -r wu ws <"$TMP/wrk.time"
      node -e '
        const [out, server, workload, conc, tck, busy, ours, srv, ngx, wrkCpu, rss, load] = process.argv.slice(1);
        const fs = require("fs");
        const r = JSON.parse(fs.readFileSync(out + ".wrk.json", "utf8"));
        const t = Number(tck), secs = r.duration_us / 1e6;
        Object.assign(r, { server, workload, concurrency: Number(conc),
          cpu: { server_s: srv / t, nginx_s: ngx / t, wrk_s: Number(wrkCpu),
                 other_s: Math.max(0, (busy - ours) / t - Number(wrkCpu)), seconds: secs },
          rss_mb: Number(rss) / 1024, loadavg_before: load });
        fs.writeFileSync(out + ".json", JSON.stringify(r, null, 1) + "\n");
        fs.unlinkSync(out + ".wrk.json");
        const e = r.errors, bad = e.status + e.connect + e.read + e.write + e.timeout;
        console.log(`${(r.requests / secs).toFixed(1).padStart(8)} req/s  p50 ${(r.latency_us.p50 / 1000).toFixed(1)} ms` +
          `  p99 ${(r.latency_us.p99 / 1000).toFixed(1)} ms  server CPU ${(1000 * r.cpu.server_s / Math.max(1, r.requests)).toFixed(2)} ms/req` +
          `  other load ${(r.cpu.other_s / secs).toFixed(2)} cores` + (bad ? `  ERRORS ${JSON.stringify(e)}` : ""));
      ' "$OUT/runs/$s-$w-c$c" "$s" "$w" "$c" "$TCK" $((b1 - b0)) $((a1 - a0)) $((s1 - s0)) $((n1 - n0)) \
        "$(awk -v u="$wu" -v s="$ws" 'BEGIN{print u+s}')" \
        "$(rss_kb "${spids[@]}")" "$(cut -d' ' -f1-3 /proc/loadavg)"
    done
  done
done

for s in "${SERVER_LIST[@]}"; do cp "$TMP/$s.log" "$OUT/$s.log" 2>/dev/null || true; done
cp "$TMP/nginx/error.log" "$OUT/nginx-error.log" 2>/dev/null || true
node "$HERE/report.mjs" "$OUT" | tee "$OUT/results.md"
echo "results in $OUT"
