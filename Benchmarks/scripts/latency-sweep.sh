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
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; }
trap cleanup EXIT
for conns in $CONNS_LIST; do
  D=$WORK/$conns; rm -rf "$D"; mkdir -p "$D"; DB="sqlite:$D/keyfob.sqlite"
  app=$("$KEYFOB_BIN" apps create --name sweep --redirect-uri "$REDIRECT" --database "$DB" --json)
  cid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$app")
  sec=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$app")
  "$KEYFOB_BIN" dev mint-codes --app "$cid" --count "$MINT" --redirect-uri "$REDIRECT" --database "$DB" > "$D/codes.txt"
  "$KEYFOB_BIN" serve --host 127.0.0.1 --port "$PORT" --database "$DB" --no-demo-app --log-level warning > "$D/serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/.well-known/oauth-authorization-server" && break; sleep 0.1; done
  URL="http://127.0.0.1:$PORT/oauth/token" CODES="$D/codes.txt" CLIENT_ID=$cid CLIENT_SECRET=$sec REDIRECT_URI=$REDIRECT \
    THREADS=2 CONNS=$conns DURATION=$DURATION OUT="$D/out" "$BENCH" > "$D/bench.log"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  echo "conns=$conns $(grep -oE 'non200=[0-9]+|exhausted=[0-9]+|ok_per_s=[0-9.]+|p50_ms=[0-9.]+|p90_ms=[0-9.]+|p99_ms=[0-9.]+' "$D/bench.log" | tr '\n' ' ')"
done
