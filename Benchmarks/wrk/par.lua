-- wrk script: pushed authorization requests (RFC 9126), the same authorize parameters each time,
-- with client_secret_basic. Each push stores a fresh request_uri, so this measures a write per
-- request, like the exchange. Counts 201s and everything else.
-- The caller encodes the Basic credentials (the shell has base64; Lua has none).
--   wrk -t2 -c64 -d15s -s par.lua URL -- CLIENT_ID BASIC_CREDENTIALS REDIRECT_URI
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function escape(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local client, credentials, redirect = args[1], args[2], args[3]
  local headers = {
    ["Authorization"] = "Basic " .. credentials,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = "keyfob-bench-wrk/1.0",
  }
  local body = "response_type=code&client_id=" .. escape(client) .. "&redirect_uri=" .. escape(redirect)
    .. "&scope=read_odometer&state=bench-state"
  pushed, failed = 0, 0
  request_bytes = wrk.format("POST", nil, headers, body)
end

function request()
  return request_bytes
end

function response(status)
  if status == 201 then pushed = pushed + 1 else failed = failed + 1 end
end

function done(summary, latency)
  local total_pushed, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_pushed = total_pushed + thread:get("pushed")
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format("RESULT ok=%d non200=%d exhausted=0 ok_per_s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d\n",
    total_pushed, total_failed, total_pushed / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
