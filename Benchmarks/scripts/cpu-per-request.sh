#!/usr/bin/env bash
# A/B of keyfob builds on the exchange: alternates the binaries in BINS for RUNS rounds on the shared
# wrk load, and prints for each run the exchanges/s and p99, the server's CPU time per answered
# exchange (user + system, from /proc) and the bytes it caused to be written per exchange.
# Requests/s drifts with this shared machine's load; CPU per request drifts much less, so compare
# that first. Everything under $W; loopback only.
#   BINS="old/keyfob new/keyfob" (release builds)   RUNS=3   CONNS=64   DURATION=10s   MINT=200000
#   SEED=path/to/keyfob.sqlite  start each run from a copy of this database (e.g. 10 M tokens)
set -euo pipefail
: "${BINS:?set BINS to one or more release-built keyfob binaries}"
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$HERE/../../../shared/bench/bench.sh}; REDIRECT=https://client.example.com/cb
W=${W:-/tmp/keyfob-cpu}; PORT=${PORT:-8384}; TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
written() { awk '/^write_bytes/{print $2}' "/proc/$1/io"; }

for round in $(seq "${RUNS:-3}"); do
  for bin in $BINS; do
    rm -rf "$W"; mkdir -p "$W"; DB="sqlite:$W/keyfob.sqlite"
    [ -n "${SEED:-}" ] && cp "$SEED" "$W/keyfob.sqlite"
    app=$("$bin" apps create --name cpu --redirect-uri "$REDIRECT" --database "$DB" --json)
    cid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$app")
    sec=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$app")
    "$bin" dev mint-codes --app "$cid" --count "${MINT:-200000}" --redirect-uri "$REDIRECT" --database "$DB" > "$W/codes.txt"
    "$bin" serve --host 127.0.0.1 --port "$PORT" --database "$DB" --no-demo-app --log-level warning > "$W/serve.log" 2>&1 &
    pid=$!; sleep 1.5
    ticks=$(cpu_ticks $pid); bytes=$(written $pid)
    URL="http://127.0.0.1:$PORT/oauth/token" CODES="$W/codes.txt" CLIENT_ID=$cid CLIENT_SECRET=$sec REDIRECT_URI=$REDIRECT \
      CONNS=${CONNS:-64} DURATION=${DURATION:-10s} OUT="$W/out" "$BENCH" > "$W/bench.log" 2>&1
    ticks=$(( $(cpu_ticks $pid) - ticks )); bytes=$(( $(written $pid) - bytes ))
    kill "$pid"; wait "$pid" 2>/dev/null || true
    result=$(grep RESULT "$W/bench.log")
    ok=$(sed -E 's/.* ok=([0-9]+).*/\1/' <<< "$result")
    echo "round=$round bin=$bin $(grep -oE 'non200=[0-9]+|ok_per_s=[0-9.]+|p50_ms=[0-9.]+|p99_ms=[0-9.]+' <<< "$result" | tr '\n' ' ')" \
      "cpu_us_per_exchange=$(( ticks * 1000000 / TICK / (ok > 0 ? ok : 1) )) written_kb_per_exchange=$(( bytes / 1024 / (ok > 0 ? ok : 1) ))"
  done
done
