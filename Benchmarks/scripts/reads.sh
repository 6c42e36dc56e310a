#!/usr/bin/env bash
# The calls a resource server makes on every request (#20), beside what Keyfob's writes and its
# fixed per-request cost reach in the same minutes: each workload on one server and one SQLite
# database, in alternating rounds, one fixed request repeated by wrk (Benchmarks/wrk/static.lua).
#   metadata       GET /.well-known/oauth-authorization-server (no store: the fixed cost)
#   introspect-rs  POST /oauth/introspect by a resource server, about a user's access token
#   introspect-app POST /oauth/introspect by the token's own confidential client
#   v2-user        GET /v2.0/user with the bearer token (the vehicle API's token check + owner)
#   client-creds   POST /oauth/token grant_type=client_credentials (a durable write per request)
# Prints each round, then the median of each workload, with the server's CPU time per answered
# request (user + system from /proc), which drifts much less than the rate on a shared host.
#   KEYFOB_BIN (default: the release build)   RUNS=3 DURATION=10s THREADS=2 CONNS=64
#   WORK=/tmp/keyfob-reads   SERVE_FLAGS (added to keyfob serve; the per-token v2 limit is lifted)
# Needs wrk, curl, python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KEYFOB_BIN=${KEYFOB_BIN:-$(cd "$HERE/../.." && swift build -c release --product keyfob --show-bin-path)/keyfob}
RUNS=${RUNS:-3}; DURATION=${DURATION:-10s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
WORK=${WORK:-/tmp/keyfob-reads}; PORT=${PORT:-8357}; REDIRECT=https://client.example.com/cb
BASE="http://127.0.0.1:$PORT"
. "$HERE/keyfob-server.sh"
trap stop_keyfob EXIT
rm -rf "$WORK"; mkdir -p "$WORK"; : > "$WORK/rounds.txt"

# One token makes every v2 call, so its per-token limit (300 a minute by default) is raised to its most, a million.
SERVE_FLAGS="--api-calls-per-token 1000000 ${SERVE_FLAGS:-}" start_keyfob "$WORK/server" 1
json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
APP_BASIC="Basic $(printf '%s:%s' "$CID" "$SEC" | base64 -w0)"
pair=$(curl -sf -u "$CID:$SEC" -A keyfob-bench -d grant_type=authorization_code \
  --data-urlencode "code=$(head -1 "$WORK/server/codes.txt")" --data-urlencode "redirect_uri=$REDIRECT" "$BASE/oauth/token")
TOKEN=$(json_field "$pair" access_token)
rs=$("$KEYFOB_BIN" resource-servers create --name bench-api --database "sqlite:$WORK/server/keyfob.sqlite" --json)
RS_BASIC="Basic $(printf '%s:%s' "$(json_field "$rs" id)" "$(json_field "$rs" secret)" | base64 -w0)"
WORKLOADS=(metadata introspect-rs introspect-app v2-user client-creds)

run_workload() { # NAME ROUND → the wrk RESULT line
  local out=$WORK/$1-$2.txt
  case $1 in
    metadata) set -- "$BASE/.well-known/oauth-authorization-server" GET 200 - ;;
    introspect-rs) set -- "$BASE/oauth/introspect" POST 200 "$RS_BASIC" "token=$TOKEN" ;;
    introspect-app) set -- "$BASE/oauth/introspect" POST 200 "$APP_BASIC" "token=$TOKEN" ;;
    v2-user) set -- "$BASE/v2.0/user" GET 200 "Bearer $TOKEN" ;;
    client-creds) set -- "$BASE/oauth/token" POST 200 "$APP_BASIC" "grant_type=client_credentials&scope=read_odometer" ;;
  esac
  local url=$1 ticks; shift
  ticks=$(cpu_ticks "$PID")
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$HERE/../wrk/static.lua" "$url" -- "$@" > "$out" 2>&1
  ticks=$(( $(cpu_ticks "$PID") - ticks ))
  local result; result=$(grep RESULT "$out") || { echo "no result (see $out)" >&2; exit 1; }
  echo "$result cpu_us=$(( ticks * 1000000 / TICK / $(awk '/requests in/{print $1}' "$out") ))"
}
TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for i in $(seq 1 "$RUNS"); do
  line="round $i:"
  for workload in "${WORKLOADS[@]}"; do
    result=$(run_workload "$workload" "$i")
    line="$line $workload=$(grep -o 'ok_per_s=[0-9.]*' <<<"$result" | cut -d= -f2)/$(grep -o 'p99_ms=[0-9.]*' <<<"$result" | cut -d= -f2)/$(grep -oE ' non200=[0-9]+' <<<"$result" | cut -d= -f2)/$(grep -o 'cpu_us=[0-9]*' <<<"$result" | cut -d= -f2)"
  done
  echo "$line" | tee -a "$WORK/rounds.txt"
done
python3 - "$WORK/rounds.txt" "${WORKLOADS[@]}" <<'PY'
import re, statistics, sys
rows = [dict((k, tuple(float(x) for x in v.split("/"))) for k, v in re.findall(r"([\w-]+)=([\d./]+)", l)) for l in open(sys.argv[1])]
print("workload        ok/s (median)  range            p99 ms (median)  non-2xx  CPU µs/request (median)")
for name in sys.argv[2:]:
    rates = [r[name][0] for r in rows]
    print(f"{name:<15} {statistics.median(rates):>13.0f}  {min(rates):>6.0f}–{max(rates):<8.0f} {statistics.median(r[name][1] for r in rows):>15.2f}  {sum(int(r[name][2]) for r in rows):>7}  {statistics.median(r[name][3] for r in rows):>10.0f}")
PY
