#!/usr/bin/env bash
# Keyfob against a peer, from this repository alone: Authlib's Flask token endpoint
# (Benchmarks/peer, in a virtualenv it makes once) and Keyfob, alternately on the same workload:
# authorization-code exchanges with pre-minted codes, client_secret_basic, durable SQLite on both
# sides, wrk on loopback (Benchmarks/wrk/exchange.lua). Prints each run, both medians and the ratio.
#   KEYFOB_BIN (default: the release build)   RUNS=3 DURATION=15s THREADS=2
#   CONNS=64 (Keyfob)  PEER_CONNS=16 PEER_WORKERS=2 (the peer at its best: more connections only queue in gunicorn)
#   N=300000 (codes per Keyfob run)  PEER_N=40000   WORK=/tmp/keyfob-compare
# Needs wrk, python3 with venv, curl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
KEYFOB_BIN=${KEYFOB_BIN:-$(cd "$HERE/.." && swift build -c release --product keyfob --show-bin-path)/keyfob}
RUNS=${RUNS:-3}; DURATION=${DURATION:-15s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}
PEER_CONNS=${PEER_CONNS:-16}; PEER_WORKERS=${PEER_WORKERS:-2}; N=${N:-300000}; PEER_N=${PEER_N:-40000}
WORK=${WORK:-/tmp/keyfob-compare}; mkdir -p "$WORK"; : > "$WORK/runs.txt"
REDIRECT=https://client.example.com/cb; PORT=${PORT:-8094}; PEER_PORT=${PEER_PORT:-8095}
VENV=$WORK/peer-venv
[ -x "$VENV/bin/gunicorn" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q -r "$HERE/peer/requirements.txt"; }
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done' EXIT
wait_for() { for _ in $(seq 1 150); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
exchange() { # URL CODES CLIENT SECRET CONNS OUT
  wrk -t"$THREADS" -c"$5" -d"$DURATION" -s "$HERE/wrk/exchange.lua" "$1" -- "$2" "$THREADS" "$3" "$4" "$REDIRECT" > "$6" 2>&1
  grep RESULT "$6"
}
field() { echo "$1" | grep -o "$2=[0-9.]*" | cut -d= -f2; }

for i in $(seq 1 "$RUNS"); do
  # the peer
  D=$WORK/peer-$i; rm -rf "$D"; mkdir -p "$D"
  (cd "$HERE/peer" && "$VENV/bin/python" mint_codes.py --db "$D/peer.sqlite" --n "$PEER_N" --out "$D/codes.txt" \
    --client-id bench --client-secret bench-secret-0123456789 --redirect-uri "$REDIRECT")
  (cd "$HERE/peer" && PEER_DB="$D/peer.sqlite" exec "$VENV/bin/gunicorn" --workers "$PEER_WORKERS" --bind "127.0.0.1:$PEER_PORT" \
    --log-level warning peer_app:app) > "$D/serve.log" 2>&1 &
  PIDS=($!); wait_for "http://127.0.0.1:$PEER_PORT/oauth/token"
  PEER=$(exchange "http://127.0.0.1:$PEER_PORT/oauth/token" "$D/codes.txt" bench bench-secret-0123456789 "$PEER_CONNS" "$D/wrk.txt")
  kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true; PIDS=()
  CHECK=$("$VENV/bin/python" "$HERE/peer/count_tokens.py" "$D/peer.sqlite")
  [ "$(field "$PEER" ok)" -gt 0 ] || { echo "peer run $i answered no 200 (see $D/serve.log)" >&2; exit 1; }
  # Each token spent one code; a few requests still in flight when wrk stopped may have been
  # answered after it stopped counting.
  T=$(field "$CHECK" tokens); L=$(field "$CHECK" codes_left); OK=$(field "$PEER" ok)
  [ $((T + L)) -eq "$PEER_N" ] && [ "$T" -ge "$OK" ] && [ "$T" -le $((OK + PEER_CONNS)) ] ||
    { echo "peer run $i failed its check: $CHECK, $OK 200s counted, $PEER_N codes minted" >&2; exit 1; }

  # Keyfob
  D=$WORK/keyfob-$i; rm -rf "$D"; mkdir -p "$D"; DB="sqlite:$D/keyfob.sqlite"
  APP=$("$KEYFOB_BIN" apps create --name bench --redirect-uri "$REDIRECT" --database "$DB" --json)
  CID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_id"])' "$APP")
  SEC=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["client_secret"])' "$APP")
  "$KEYFOB_BIN" dev mint-codes --app "$CID" --count "$N" --redirect-uri "$REDIRECT" --database "$DB" > "$D/codes.txt"
  "$KEYFOB_BIN" serve --host 127.0.0.1 --port "$PORT" --database "$DB" --no-demo-app > "$D/serve.log" 2>&1 &
  PIDS=($!); wait_for "http://127.0.0.1:$PORT/health/alive"
  KEYFOB=$(exchange "http://127.0.0.1:$PORT/oauth/token" "$D/codes.txt" "$CID" "$SEC" "$CONNS" "$D/wrk.txt")
  RSS=$(awk '/VmHWM/{print $2}' "/proc/${PIDS[0]}/status")
  kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true; PIDS=()
  [ "$(field "$KEYFOB" ok)" -gt 0 ] || { echo "keyfob run $i answered no 200 (see $D/serve.log)" >&2; exit 1; }
  echo "run $i: peer=$(field "$PEER" ok_per_s)/s peer_p99_ms=$(field "$PEER" p99_ms) keyfob=$(field "$KEYFOB" ok_per_s)/s" \
    "keyfob_p99_ms=$(field "$KEYFOB" p99_ms) keyfob_non200=$(field "$KEYFOB" non200) keyfob_exhausted=$(field "$KEYFOB" exhausted)" \
    "keyfob_peak_rss_kb=$RSS" | tee -a "$WORK/runs.txt"
done
python3 - "$WORK/runs.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([\d.]+)", line)) for line in open(sys.argv[1])]
peer = statistics.median(float(r["peer"]) for r in rows)
keyfob = statistics.median(float(r["keyfob"]) for r in rows)
ratios = [float(r["keyfob"]) / float(r["peer"]) for r in rows]
print(f"median peer={peer:.0f}/s keyfob={keyfob:.0f}/s ratio={statistics.median(ratios):.1f}x "
      f"(per run: {', '.join(f'{x:.1f}' for x in ratios)}) keyfob_non200={sum(int(r['keyfob_non200']) for r in rows)}")
PY
