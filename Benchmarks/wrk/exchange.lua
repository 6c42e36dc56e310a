-- Authorization-code exchanges for wrk: every code of the file is sent once, as
-- POST /oauth/token with client_secret_basic, by whichever thread owns it (thread k of n takes
-- lines k, k+n, k+2n, …). Counts 200s and everything else; a thread out of codes sends a code
-- that cannot exist and counts it as exhausted, so a run that outlasts its codes shows it.
-- A line may hold a code and, after a space, a DPoP proof for it (RFC 9449), sent in a DPoP
-- header: proofs are made ahead (Benchmarks/scripts/dpop-proofs.py), since wrk cannot sign.
--   wrk -t2 -c64 -d15s -s exchange.lua URL -- CODES_FILE THREADS CLIENT_ID CLIENT_SECRET REDIRECT_URI
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

local function base64(text)
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((text:gsub(".", function(character)
    local bits, byte = "", character:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(bits)
    if #bits < 6 then return "" end
    local value = 0
    for i = 1, 6 do value = value + (bits:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(value + 1, value + 1)
  end) .. ({ "", "==", "=" })[#text % 3 + 1])
end

local function escape(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  local file, count = args[1], tonumber(args[2])
  redirect = escape(args[5])
  headers = {
    ["Authorization"] = "Basic " .. base64(args[3] .. ":" .. args[4]),
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = "keyfob-bench-wrk/1.0",
  }
  codes, proofs, next_code, ok, failed, exhausted = {}, {}, 1, 0, 0, 0
  local line = 0
  for entry in io.lines(file) do
    if line % count == index then
      local code, proof = entry:match("^(%S+)%s+(%S+)$")
      table.insert(codes, code or entry)
      proofs[#codes] = proof
    end
    line = line + 1
  end
end

function request()
  local code, proof = codes[next_code], proofs[next_code]
  if code then
    next_code = next_code + 1
  else
    code = "exhausted-" .. index
  end
  headers["DPoP"] = proof
  return wrk.format("POST", nil, headers, "grant_type=authorization_code&code=" .. escape(code) .. "&redirect_uri=" .. redirect)
end

function response(status)
  if status == 200 then
    ok = ok + 1
  elseif next_code > #codes then
    exhausted = exhausted + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency)
  local total_ok, total_failed, total_exhausted = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_failed = total_failed + thread:get("failed")
    total_exhausted = total_exhausted + thread:get("exhausted")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT ok=%d non200=%d exhausted=%d ok_per_s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d\n",
    total_ok, total_failed, total_exhausted, total_ok / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
