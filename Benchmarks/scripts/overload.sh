#!/usr/bin/env bash
# Overload: the exchange at CONNS connections (the sustainable load: where the rate stops growing,
# latency-sweep.sh), then at FACTOR × CONNS on a fresh database. Reports the accepted (200)
# requests' p99 under overload against the p99 without it, how many were shed (503), and any other
# status (there must be none: never a 500). Closed loop: a shed client asks again at once, so the
# offered load is at least FACTOR times the sustainable one. Loopback only; everything under $WORK.
#   KEYFOB_BIN, KEYFOB_BENCH_BIN (release builds)   CONNS=64   FACTOR=4   DURATION=15
#   MINT=400000   SERVE_FLAGS=""   WORK=/tmp/keyfob-overload
#   BENCH_FLAGS="--honor-retry-after": shed clients wait their Retry-After, as well-behaved ones do
set -euo pipefail
: "${KEYFOB_BIN:?set KEYFOB_BIN to a release-built keyfob}"
: "${KEYFOB_BENCH_BIN:?set KEYFOB_BENCH_BIN to a release-built keyfob-bench}"
HERE=$(cd "$(dirname "$0")" && pwd)
CONNS=${CONNS:-64}; FACTOR=${FACTOR:-4}; DURATION=${DURATION:-15}; MINT=${MINT:-400000}; WORK=${WORK:-/tmp/keyfob-overload}
PORT=${PORT:-8355}; REDIRECT=https://client.example.com/cb
. "$HERE/keyfob-server.sh"
trap stop_keyfob EXIT

run_point() { # NAME CONNECTIONS → prints the bench's JSON
  local D=$WORK/$1; rm -rf "$D"
  start_keyfob "$D" "$MINT"
  "$KEYFOB_BENCH_BIN" --base-url "http://127.0.0.1:$PORT" --client-id "$CID" --client-secret "$SEC" --codes "$D/codes.txt" \
    --redirect-uri "$REDIRECT" --connections "$2" --duration "$DURATION" --server-pid "$PID" --expect-shedding --no-verify --json ${BENCH_FLAGS:-} \
    > "$D/bench.json" || true
  stop_keyfob
  cat "$D/bench.json"
}

base=$(run_point base "$CONNS")
over=$(run_point over $((CONNS * FACTOR)))
python3 - "$base" "$over" "$CONNS" "$FACTOR" <<'PY'
import json, sys
base, over = json.loads(sys.argv[1]), json.loads(sys.argv[2])
conns, factor = int(sys.argv[3]), int(sys.argv[4])
def line(name, r, n):
    print(f"{name:<9} connections={n:<5} ok/s={r['ok_per_s']:.0f} accepted_p50_ms={r['accepted_p50_ms']:.2f} "
          f"accepted_p99_ms={r['accepted_p99_ms']:.2f} shed={r['shed']} non200={r['non200']} rss_mib={r.get('server_peak_rss_mib', 0):.0f}")
line("base", base, conns)
line("overload", over, conns * factor)
others = over['non200'] - over['shed'] + base['non200'] - base['shed']
ratio = over['accepted_p99_ms'] / base['accepted_p99_ms'] if base['accepted_p99_ms'] else float('inf')
print(f"p99 ratio={ratio:.2f} (target <= 2) other_non200={others} (target 0)")
print("met" if ratio <= 2 and others == 0 else "not met")
PY
