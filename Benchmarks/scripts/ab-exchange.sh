#!/usr/bin/env bash
# Keyfob against Keyfob: two (or more) release binaries alternately on the exchange workload of
# ../shared/bench (wrk, pre-minted codes, client_secret_basic, loopback), to tell whether a change
# moved the token path. Same machine, same minute, so the host's drift hits every binary alike.
#   BINS="old/keyfob new/keyfob"   RUNS=4 DURATION=10s THREADS=2 CONNS=64 N=200000
#   BENCH=../shared/bench (the harness's bench.sh)   WORK=/tmp/keyfob-ab
set -euo pipefail
: "${BINS:?set BINS to two or more release-built keyfob paths}"
RUNS=${RUNS:-4}; DURATION=${DURATION:-10s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}; N=${N:-200000}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$HERE/../../../shared/bench}
WORK=${WORK:-/tmp/keyfob-ab}; mkdir -p "$WORK"; : > "$WORK/ab.txt"
REDIRECT=https://client.example.com/cb; PORT=${PORT:-8093}; KPID=""
trap '[ -n "$KPID" ] && kill "$KPID" 2>/dev/null || true' EXIT
for i in $(seq 1 "$RUNS"); do
  for BIN in $BINS; do
    D=$WORK/run; rm -rf "$D"; mkdir -p "$D"; DB="sqlite:$D/keyfob.sqlite"
    APP=$("$BIN" apps create --name ab --redirect-uri "$REDIRECT" --database "$DB" --json)
    CID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$APP")
    SEC=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$APP")
    "$BIN" dev mint-codes --app "$CID" --count "$N" --redirect-uri "$REDIRECT" --database "$DB" > "$D/codes.txt"
    "$BIN" serve --host 127.0.0.1 --port "$PORT" --database "$DB" --no-demo-app > "$D/serve.log" 2>&1 &
    KPID=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/.well-known/oauth-authorization-server" && break; sleep 0.1; done
    URL="http://127.0.0.1:$PORT/oauth/token" CODES="$D/codes.txt" CLIENT_ID=$CID CLIENT_SECRET=$SEC REDIRECT_URI=$REDIRECT \
      THREADS=$THREADS CONNS=$CONNS DURATION=$DURATION OUT=$D "$BENCH/bench.sh" > "$D/bench.log"
    kill "$KPID"; wait "$KPID" 2>/dev/null || true; KPID=""
    K=$(grep -o 'ok_per_s=[0-9.]*' "$D/summary.txt" | head -1 | cut -d= -f2)
    P99=$(grep -o 'p99_ms=[0-9.]*' "$D/summary.txt" | head -1 | cut -d= -f2)
    NON=$(grep -o 'non200=[0-9]*' "$D/summary.txt" | head -1 | cut -d= -f2)
    echo "run $i bin=$BIN ok_per_s=$K p99_ms=$P99 non200=$NON" | tee -a "$WORK/ab.txt"
  done
done
python3 - "$WORK/ab.txt" <<'PY'
import re, statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    fields = dict(re.findall(r"(\w+)=(\S+)", line))
    runs[fields["bin"]].append(float(fields["ok_per_s"]))
for binary, rates in runs.items():
    print(f"median {statistics.median(rates):.0f}/s  runs {', '.join(f'{r:.0f}' for r in rates)}  {binary}")
PY
