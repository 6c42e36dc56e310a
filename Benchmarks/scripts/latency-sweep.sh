#!/usr/bin/env bash
# Exchange rate and latency percentiles against the number of connections, on the shared wrk load
# (../shared/bench/bench.sh), a fresh database per point. Shows where the rate stops growing and
# latency starts growing with the queue. Loopback only; everything under $WORK.
#   KEYFOB_BIN (required: a release build)   CONNS_LIST="8 16 32 64"   DURATION=15s   MINT=200000
#   WORK=/tmp/keyfob-sweep
set -euo pipefail
: "${KEYFOB_BIN:?set KEYFOB_BIN to a release-built keyfob}"
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$HERE/../../../shared/bench/bench.sh}
CONNS_LIST=${CONNS_LIST:-8 16 32 64}; DURATION=${DURATION:-15s}; MINT=${MINT:-200000}; WORK=${WORK:-/tmp/keyfob-sweep}
PORT=${PORT:-8354}; REDIRECT=https://client.example.com/cb
. "$HERE/keyfob-server.sh"
trap stop_keyfob EXIT
for conns in $CONNS_LIST; do
  D=$WORK/$conns; rm -rf "$D"
  start_keyfob "$D" "$MINT"
  URL="http://127.0.0.1:$PORT/oauth/token" CODES="$D/codes.txt" CLIENT_ID=$CID CLIENT_SECRET=$SEC REDIRECT_URI=$REDIRECT \
    THREADS=2 CONNS=$conns DURATION=$DURATION OUT="$D/out" "$BENCH" > "$D/bench.log"
  stop_keyfob
  echo "conns=$conns $(grep -oE 'non200=[0-9]+|exhausted=[0-9]+|ok_per_s=[0-9.]+|p50_ms=[0-9.]+|p90_ms=[0-9.]+|p99_ms=[0-9.]+' "$D/bench.log" | tr '\n' ' ')"
done
