#!/usr/bin/env bash
# Keyfob's fixed cost per request (#20): its metadata route (no store) beside a bare Hummingbird
# route (keyfob-bare-route: no middleware, ids, logs or metrics) answering the very same bytes,
# in alternating rounds of one fixed GET repeated by wrk (Benchmarks/wrk/static.lua).
# Prints each round, then the medians and Keyfob's share of the bare route's rate, and each
# server's CPU time per answered request (user + system from /proc: it drifts much less than the
# rate on a shared host, and stands in for instruction counts, which this VM does not expose).
#   KEYFOB_BIN, BARE_BIN (default: the release builds)   RUNS=3 DURATION=10s THREADS=2 CONNS=64
#   WORK=/tmp/keyfob-fixed-cost   SERVE_FLAGS (added to keyfob serve)
# Needs wrk, curl, python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
release_bin() { echo "$(cd "$HERE/../.." && swift build -c release --product "$1" --show-bin-path)/$1"; }
KEYFOB_BIN=${KEYFOB_BIN:-$(release_bin keyfob)}
BARE_BIN=${BARE_BIN:-$(release_bin keyfob-bare-route)}
RUNS=${RUNS:-3}; DURATION=${DURATION:-10s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
WORK=${WORK:-/tmp/keyfob-fixed-cost}; PORT=${PORT:-8357}; BARE_PORT=${BARE_PORT:-8358}
REDIRECT=https://client.example.com/cb
PATH_ANSWERED=/.well-known/oauth-authorization-server
. "$HERE/keyfob-server.sh"
BARE_PID=""
stop_all() { stop_keyfob; if [ -n "$BARE_PID" ]; then kill "$BARE_PID" 2>/dev/null || true; wait "$BARE_PID" 2>/dev/null || true; fi; }
trap stop_all EXIT
rm -rf "$WORK"; mkdir -p "$WORK"; : > "$WORK/rounds.txt"

start_keyfob "$WORK/server" 1
curl -sf "http://127.0.0.1:$PORT$PATH_ANSWERED" > "$WORK/metadata.json"
"$BARE_BIN" --port "$BARE_PORT" --body "$WORK/metadata.json" --path "$PATH_ANSWERED" > "$WORK/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$BARE_PORT$PATH_ANSWERED" && break; sleep 0.1; done
cmp -s "$WORK/metadata.json" <(curl -sf "http://127.0.0.1:$BARE_PORT$PATH_ANSWERED") || { echo "the bare route does not answer Keyfob's bytes" >&2; exit 1; }

TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_one() { # NAME PORT PID ROUND → ok/s/p99/non200/CPU µs per request
  local out=$WORK/$1-$4.txt ticks
  ticks=$(cpu_ticks "$3")
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$HERE/../wrk/static.lua" "http://127.0.0.1:$2$PATH_ANSWERED" -- GET 200 - > "$out" 2>&1
  ticks=$(( $(cpu_ticks "$3") - ticks ))
  local result; result=$(grep RESULT "$out") || { echo "no result (see $out)" >&2; exit 1; }
  local answered; answered=$(awk '/requests in/{print $1}' "$out")
  echo "$(grep -o 'ok_per_s=[0-9.]*' <<<"$result" | cut -d= -f2)/$(grep -o 'p99_ms=[0-9.]*' <<<"$result" | cut -d= -f2)/$(grep -oE ' non200=[0-9]+' <<<"$result" | cut -d= -f2)/$(( ticks * 1000000 / TICK / answered ))"
}

for i in $(seq 1 "$RUNS"); do
  echo "round $i: keyfob=$(run_one keyfob "$PORT" "$PID" "$i") bare=$(run_one bare "$BARE_PORT" "$BARE_PID" "$i")" | tee -a "$WORK/rounds.txt"
done
python3 - "$WORK/rounds.txt" <<'PY'
import re, statistics, sys
rows = [dict((k, tuple(float(x) for x in v.split("/"))) for k, v in re.findall(r"(\w+)=([\d./]+)", l)) for l in open(sys.argv[1])]
med = {n: statistics.median(r[n][0] for r in rows) for n in ("keyfob", "bare")}
for n in ("keyfob", "bare"):
    rates = [r[n][0] for r in rows]
    print(f"{n:<7} {med[n]:>9.0f} ok/s median  range {min(rates):.0f}–{max(rates):.0f}  p99 {statistics.median(r[n][1] for r in rows):.2f} ms  non-2xx {sum(int(r[n][2]) for r in rows)}  CPU {statistics.median(r[n][3] for r in rows):.0f} µs/request")
print(f"keyfob / bare: {med['keyfob'] / med['bare']:.1%} (median of each round: {statistics.median(r['keyfob'][0] / r['bare'][0] for r in rows):.1%})")
print(f"bare / keyfob CPU per request: {statistics.median(r['bare'][3] / r['keyfob'][3] for r in rows):.1%} (median of each round)")
PY
