-- wrk script for bench/prism/run: POSTs one form body (read from the file named by
-- $PRISM_BENCH_BODY) to /open.api, counts non-2xx answers per thread, and prints one JSON
-- line (prefixed "RESULT ") with requests/s, p50, p99 and the non-2xx count.

local body_path = os.getenv("PRISM_BENCH_BODY")
assert(body_path, "PRISM_BENCH_BODY must name the file holding the form body")
local f = assert(io.open(body_path, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.path = "/open.api"
wrk.body = body
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
wrk.headers["Accept"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non = 0
  for _, t in ipairs(threads) do
    non = non + t:get("non2xx")
  end
  -- Socket errors (connect/read/write/timeout) got no answer at all; count them apart.
  local e = summary.errors
  local sock = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"duration_s":%.2f,"requests":%d,"requests_per_s":%.1f,' ..
    '"p50_ms":%.2f,"p99_ms":%.2f,"non_2xx":%d,"socket_errors":%d}\n',
    secs, summary.requests, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non, sock))
end
