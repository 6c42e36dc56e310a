#!/usr/bin/env bash
# Refresh-token grants beside the Authlib peer on the same wrk load, alternately (peer, Keyfob, ...).
# The peer runs its own harness (`authlib/run.sh GRANT=refresh_token`, which mints refresh tokens
# straight into its database). Keyfob gets its refresh tokens the way a client does: an exchange
# run of `keyfob-bench --save-refresh-tokens` against the same server, then `bench.sh
# GRANT=refresh_token` spends each once. Prints each round, both medians and the ratio.
#   KEYFOB_BIN, KEYFOB_BENCH_BIN (required: release builds of keyfob and keyfob-bench)
#   RUNS=3 DURATION=15s CONNS=64 PEER_CONNS=16 SEED_SECONDS=30 MINT=250000 WORK=/tmp/keyfob-refresh-sbs
set -euo pipefail
: "${KEYFOB_BIN:?set KEYFOB_BIN to a release-built keyfob}" "${KEYFOB_BENCH_BIN:?set KEYFOB_BENCH_BIN to a release-built keyfob-bench}"
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${SHARED:-$HERE/../../../shared/bench}
RUNS=${RUNS:-3}; DURATION=${DURATION:-15s}; CONNS=${CONNS:-64}; PEER_CONNS=${PEER_CONNS:-16}
SEED_SECONDS=${SEED_SECONDS:-30}; MINT=${MINT:-250000}; WORK=${WORK:-/tmp/keyfob-refresh-sbs}
PORT=${PORT:-8352}; REDIRECT=https://client.example.com/cb
. "$HERE/keyfob-server.sh"
trap stop_keyfob EXIT
rm -rf "$WORK"; mkdir -p "$WORK"; : > "$WORK/rounds.txt"
for i in $(seq 1 "$RUNS"); do
  RUNS=1 DURATION=$DURATION CONNS=$PEER_CONNS GRANT=refresh_token BENCH_WORK="$WORK/peer" TAG=refresh-peer-$i \
    "$SHARED/authlib/run.sh" > "$WORK/peer-$i.log" 2>&1
  grep -q "VERIFY PASS" "$WORK/peer-$i.log" || { echo "peer round $i failed its own verification"; exit 1; }
  peer=$(grep -o 'exchanges/s=[0-9]*' "$WORK/peer-$i.log" | tail -1 | cut -d= -f2)

  D=$WORK/keyfob-$i
  start_keyfob "$D" "$MINT"
  "$KEYFOB_BENCH_BIN" --base-url "http://127.0.0.1:$PORT" --client-id "$CID" --client-secret "$SEC" --workload exchange \
    --codes "$D/codes.txt" --connections "$CONNS" --duration "$SEED_SECONDS" --no-verify --save-refresh-tokens "$D/refresh.txt" > "$D/seed.txt"
  URL="http://127.0.0.1:$PORT/oauth/token" CODES="$D/refresh.txt" CLIENT_ID=$CID CLIENT_SECRET=$SEC GRANT=refresh_token \
    THREADS=2 CONNS=$CONNS DURATION=$DURATION OUT="$D/out" "$SHARED/bench.sh" > "$D/bench.log"
  rss=$(awk '/VmHWM/{print $2}' "/proc/$PID/status")
  stop_keyfob
  result=$(grep RESULT "$D/bench.log")
  echo "round $i: peer=$peer/s keyfob=$(grep -o 'ok_per_s=[0-9.]*' <<<"$result" | cut -d= -f2)/s $(grep -oE 'p99_ms=[0-9.]+|non200=[0-9]+|exhausted=[0-9]+' <<<"$result" | tr '\n' ' ')peak_rss_kb=$rss tokens=$(wc -l < "$D/refresh.txt")" \
    | tee -a "$WORK/rounds.txt"
done
python3 - "$WORK/rounds.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([\d.]+)", l)) for l in open(sys.argv[1])]
p = statistics.median(float(r["peer"]) for r in rows); k = statistics.median(float(r["keyfob"]) for r in rows)
ratios = [float(r["keyfob"]) / float(r["peer"]) for r in rows]
print(f"median peer={p:.0f}/s keyfob={k:.0f}/s ratio={statistics.median(ratios):.1f}x (per round: {', '.join(f'{x:.1f}' for x in ratios)})"
      f" non200={sum(int(r['non200']) for r in rows)} exhausted={sum(int(r['exhausted']) for r in rows)}")
PY
