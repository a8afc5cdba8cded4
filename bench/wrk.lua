-- wrk script: cycles through a list of query strings, and writes a JSON summary when done.
-- Environment (set by run.sh):
--   BENCH_LIST    file with one query string per line
--   BENCH_PREFIX  path the query strings are appended to, e.g. /qgis
--   BENCH_OUT     where done() writes its JSON summary (optional)
-- Thread k starts at line (k-1)·len/8, so the threads do not send the same requests in lockstep.

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
end

local urls = {}
local index = 0

function init(args)
  local prefix = os.getenv("BENCH_PREFIX") or "/"
  for line in io.lines(os.getenv("BENCH_LIST")) do
    if #line > 0 then urls[#urls + 1] = prefix .. "?" .. line end
  end
  if #urls == 0 then error("empty URL list") end
  index = math.floor(((id or 1) - 1) * #urls / 8) % #urls
end

function request()
  index = index % #urls + 1
  return wrk.format("GET", urls[index])
end

function done(summary, latency, requests)
  local out = os.getenv("BENCH_OUT")
  if not out then return end
  local e = summary.errors
  local f = assert(io.open(out, "w"))
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
  f:close()
end
