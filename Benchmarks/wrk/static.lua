-- wrk script: one fixed request sent over and over, for the reads (metadata, introspection,
-- bearer-authenticated GETs) whose cost does not depend on a fresh input per request. Counts the
-- answers with the expected status and everything else, and prints the RESULT line the other
-- scripts print.
--   wrk -t2 -c64 -d15s -s static.lua URL -- METHOD STATUS [AUTHORIZATION] [FORM_BODY]
-- AUTHORIZATION is the whole header value ("Basic …", "Bearer …"), "-" for none.
local threads = {}

-- WRK_DELAY_MS, when set: a pause before each request. The test suite's smoke runs set it, so
-- they check the scripts without loading the cores the other tests share.
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "")
if pause then
  function delay() return pause end
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local method, authorization, body = args[1], args[3], args[4]
  expected = tonumber(args[2])
  local headers = { ["User-Agent"] = "keyfob-bench-wrk/1.0" }
  if authorization and authorization ~= "-" then headers["Authorization"] = authorization end
  if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  ok, failed = 0, 0
  request_bytes = wrk.format(method, nil, headers, body)
end

function request()
  return request_bytes
end

function response(status)
  if status == expected then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency)
  local total_ok, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format("RESULT ok=%d non200=%d exhausted=0 ok_per_s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d\n",
    total_ok, total_failed, total_ok / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
