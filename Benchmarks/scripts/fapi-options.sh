#!/usr/bin/env bash
# What each opt-in of issue #18 costs: the authorization-code exchange on the same wrk load with
# each option, in alternating rounds on fresh SQLite databases (plain, jwt, dpop, dpop+jwt), and
# pushed authorization requests per second beside them (each push is a stored write, like the
# exchange). DPoP proofs are signed ahead by dpop-proofs.py (one ES256 key, a jti each), so the
# figure is the server's cost of checking a proof and recording its jti, not the client's signing.
# Prints each round, then the median of every variant and its cost against plain.
#   KEYFOB_BIN (default: the release build)   RUNS=3 DURATION=15s THREADS=2 CONNS=64
#   N=200000 (codes per run; the DPoP runs need a proof per code)   WORK=/tmp/keyfob-fapi
# Needs wrk, curl, python3 with PyJWT and cryptography.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KEYFOB_BIN=${KEYFOB_BIN:-$(cd "$HERE/../.." && swift build -c release --product keyfob --show-bin-path)/keyfob}
RUNS=${RUNS:-3}; DURATION=${DURATION:-15s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-64}; N=${N:-200000}
WORK=${WORK:-/tmp/keyfob-fapi}; PORT=${PORT:-8356}; REDIRECT=https://client.example.com/cb
TOKEN_URL="http://127.0.0.1:$PORT/oauth/token"
KEYFOB_KEY_ENCRYPTION_KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
export KEYFOB_KEY_ENCRYPTION_KEY
. "$HERE/keyfob-server.sh"
trap stop_keyfob EXIT
rm -rf "$WORK"; mkdir -p "$WORK"; : > "$WORK/rounds.txt"

run_variant() { # NAME ROUND → prints the wrk RESULT line
  local name=$1 D=$WORK/$1-$2 codes
  case $name in
    plain) SIGNING_KEY=0 APP_FLAGS="" ;;
    jwt) SIGNING_KEY=1 APP_FLAGS="--access-token-format jwt" ;;
    dpop) SIGNING_KEY=0 APP_FLAGS="--require-dpop" ;;
    dpop+jwt) SIGNING_KEY=1 APP_FLAGS="--require-dpop --access-token-format jwt" ;;
    par) SIGNING_KEY=0 APP_FLAGS="" ;;
  esac
  # A push run needs no codes; every other mints N.
  SIGNING_KEY=$SIGNING_KEY APP_FLAGS=$APP_FLAGS start_keyfob "$D" "$([ "$name" = par ] && echo 1 || echo "$N")"
  codes=$D/codes.txt
  if [[ $name == dpop* ]]; then python3 "$HERE/dpop-proofs.py" "$D/codes.txt" "$D/pairs.txt" "$TOKEN_URL"; codes=$D/pairs.txt; fi
  if [ "$name" = par ]; then
    # The same authorize parameters each time: every push still stores a fresh request_uri.
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$HERE/../wrk/static.lua" "http://127.0.0.1:$PORT/oauth/par" -- \
      POST 201 "Basic $(printf '%s:%s' "$CID" "$SEC" | base64 -w0)" \
      "response_type=code&client_id=$CID&redirect_uri=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$REDIRECT")&scope=read_odometer&state=bench-state" \
      > "$D/wrk.txt" 2>&1
  else
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$HERE/../wrk/exchange.lua" "$TOKEN_URL" -- \
      "$codes" "$THREADS" "$CID" "$SEC" "$REDIRECT" > "$D/wrk.txt" 2>&1
  fi
  stop_keyfob
  grep RESULT "$D/wrk.txt" || { echo "$name round $2: no result (see $D)" >&2; exit 1; }
}

for i in $(seq 1 "$RUNS"); do
  line="round $i:"
  for variant in plain jwt dpop dpop+jwt par; do
    result=$(run_variant "$variant" "$i")
    line="$line $variant=$(grep -o 'ok_per_s=[0-9.]*' <<<"$result" | cut -d= -f2)/$(grep -o 'p99_ms=[0-9.]*' <<<"$result" | cut -d= -f2)/$(grep -oE ' non200=[0-9]+' <<<"$result" | cut -d= -f2)/$(grep -oE 'exhausted=[0-9]+' <<<"$result" | cut -d= -f2)"
  done
  echo "$line" | tee -a "$WORK/rounds.txt"
done
python3 - "$WORK/rounds.txt" <<'PY'
import re, statistics, sys
rows = [dict((k, tuple(float(x) for x in v.split("/"))) for k, v in re.findall(r"([\w+]+)=([\d./]+)", l)) for l in open(sys.argv[1])]
plain = statistics.median(r["plain"][0] for r in rows)
print("variant     ok/s (median)  p99 ms (median)  per exchange vs plain  non-2xx  exhausted")
for name in ["plain", "jwt", "dpop", "dpop+jwt", "par"]:
    rate = statistics.median(r[name][0] for r in rows); p99 = statistics.median(r[name][1] for r in rows)
    cost = f"{(1 / rate - 1 / plain) * 1e6:+.0f} µs ({rate / plain - 1:+.0%})" if name != "par" else "(pushes, not exchanges)"
    print(f"{name:<11} {rate:>13.0f}  {p99:>15.2f}  {cost:>21}  {sum(int(r[name][2]) for r in rows):>7}  {sum(int(r[name][3]) for r in rows):>9}")
PY
